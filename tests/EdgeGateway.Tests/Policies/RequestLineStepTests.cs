using EdgeGateway.Policies;
using Microsoft.AspNetCore.Http;
using static EdgeGateway.Tests.Policies.PipelineHarness;

namespace EdgeGateway.Tests.Policies;

/// <summary>rewrite-uri, set-backend-service and set-method: what the backend would be sent, and what is refused.</summary>
public sealed class RequestLineStepTests
{
    private static PolicyRun Operation(string template, string inbound, string target, Action<HttpRequest>? request = null)
    {
        var run = new PipelineHarness(Doc($$"""
            [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
                "subscriptionKeyParameterNames": { "header": "X-Key", "query": "key" },
                "operations": [ { "id": "op", "method": "*", "urlTemplate": "{{template}}", "policies": { "inbound": {{inbound}} } } ] } ]
            """)).Run("a", "op", request: r =>
        {
            var question = target.IndexOf('?');
            r.Path = question < 0 ? target : target[..question];
            r.QueryString = new QueryString(question < 0 ? null : target[question..]);
            r.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = target;
            request?.Invoke(r);
        });
        return run;
    }

    private static PolicyRun Rewrite(string template, string target, bool? copy = null, string operation = "/items/{id}") =>
        Operation(operation, $$"""[ { "type": "rewrite-uri", "template": "{{template}}" {{(copy is null ? "" : $", \"copyUnmatchedParams\": {(copy.Value ? "true" : "false")}")}} } ]""", target);

    private static string? Sent(PolicyRun run) => run.RewrittenPath + run.Http.Request.QueryString.Value;

    [Fact]
    public void RewriteUri_PathParameter_TemplateWithItsValueAndUnmatchedQuery()
    {
        var run = Rewrite("/v2/items/{id}/details?view=full", "/a/items/7?x=1&y=%41");

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Equal("/v2/items/7/details?view=full&x=1&y=%41", Sent(run));
    }

    [Fact]
    public void RewriteUri_CopyUnmatchedParamsFalse_OnlyTheTemplatesQuery()
    {
        var run = Rewrite("/v2/{id}", "/a/items/7?x=1", copy: false);

        Inbound(run);

        Assert.Equal("/v2/7", Sent(run));
    }

    [Fact]
    public void RewriteUri_OperationQueryParameter_BoundAndNotCopiedAgain()
    {
        var run = Rewrite("/find/{term}?q={term}", "/a/search?q=a%20b%2Fc&page=2", operation: "/search?q={term}");

        Inbound(run);

        Assert.Equal("/find/a%20b%2Fc?q=a%20b%2Fc&page=2", Sent(run));
    }

    [Fact]
    public void RewriteUri_EncodedSlashInAPathParameter_ReachesTheBackendAsWritten()
    {
        var run = Rewrite("/pkg/{id}", "/a/items/@scope%2Fname");

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Equal("/pkg/@scope%2Fname", Sent(run));
    }

    [Theory]
    [InlineData("/records/{id}.{format}", "/a/records/42.json", "/v2/{format}/{id}", "/v2/json/42")]
    [InlineData("/files/{name}.{ext}", "/a/files/a.b.c", "/store/{ext}/{name}", "/store/c/a.b")]
    [InlineData("/v1/{name}:cancel", "/a/v1/job-1:cancel", "/jobs/{name}/cancel", "/jobs/job-1/cancel")]
    [InlineData("/records/{id}.{format}", "/a/records/4%202.json", "/v2/{id}", "/v2/4%202")]
    [InlineData("/records/{id}.{format}", "/a/records/42%2Ejson", "/v2/{format}/{id}", "/v2/json/42")]
    [InlineData("/r/{a}é{b}", "/a/r/x%C3%A9y", "/v2/{a}/{b}", "/v2/x/y")]
    [InlineData("/records/{id}.{format}", "/a/records/caf%C3%A9.json", "/v2/{id}", "/v2/caf%C3%A9")]
    [InlineData("/r/{a}€{b}", "/a/r/%E2%82%AC%E2%82%AC1", "/v2/{a}/{b}", "/v2/%E2%82%AC/1")]
    public void RewriteUri_ParametersOfAComplexSegment_EachItsShareAsWritten(string operation, string target, string template, string sent)
    {
        var run = Rewrite(template, target, operation: operation);

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Equal(sent, Sent(run));
    }

    [Fact]
    public void RewriteUri_SubscriptionKeyInTheQuery_NeverCopied()
    {
        var run = Rewrite("/v2/{id}", "/a/items/7?key=secret&x=1&KEY=again");

        Inbound(run);

        Assert.Equal("/v2/7?x=1", Sent(run));
    }

    [Theory]
    [InlineData("/a/items/..%2F..%2Fadmin")]
    [InlineData("/a/items/%2E%2E%2Fadmin")]
    [InlineData("/a/items/x%2F..")]
    [InlineData("/a/items/..%5Cadmin")]
    [InlineData("/a/items/a%0D%0AX-Injected:%20yes")]
    public void RewriteUri_ParameterThatWouldClimbOrBreakThePath_400AndNothingRewritten(string target)
    {
        var run = Rewrite("/v2/{id}/details", target);

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.Equal(("rewrite-uri", 400), (run.LastError!.Source, run.LastError.StatusCode));
        Assert.Null(run.RewrittenPath);
    }

    [Fact]
    public void RewriteUri_DotSegmentsInTheRequestPath_ParameterIsTheSegmentRoutingMatched()
    {
        // Kestrel routed /a/items/x/../7 as /a/items/7: the parameter is 7, not x.
        var run = Rewrite("/v2/{id}", "/a/items/x/../7");

        Inbound(run);

        Assert.Equal("/v2/7", Sent(run));
    }

    [Theory]
    [InlineData("../admin")]
    [InlineData("ok/%2e%2e/admin")]
    [InlineData("a b")]
    public void RewriteUri_ExpressionResultOutsideTheTemplateRules_400(string header)
    {
        var run = Operation("/items/{id}", """[ { "type": "rewrite-uri", "template": "@(\"/files/\" + context.Request.Headers.GetValueOrDefault(\"X-Name\", \"\"))" } ]""",
            "/a/items/1", r => r.Headers["X-Name"] = header);

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.Equal(400, run.LastError!.StatusCode);
        Assert.Null(run.RewrittenPath);
    }

    [Fact]
    public void RewriteUri_ParameterTheOperationDoesNotHave_FailsNamingIt()
    {
        var run = Rewrite("/v2/{nope}", "/a/items/7");

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.Equal("TemplateParameterNotFound", run.LastError!.Reason);
        Assert.Contains("{nope}", run.LastError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetBackendService_Literal_ThisRequestGoesThere()
    {
        var run = Operation("/items/{id}", """[ { "type": "set-backend-service", "baseUrl": "https://other.example.com/base/" } ]""", "/a/items/1");

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Equal("https://other.example.com/base", run.BackendUrl);
    }

    [Theory]
    [InlineData("http://tenant-7.internal:8080", "http://tenant-7.internal:8080")]
    [InlineData("file:///etc/passwd", null)]
    [InlineData("not a url", null)]
    [InlineData("http://user:pw@evil.example.com", null)]
    public void SetBackendService_Expression_ValidatedPerRequest(string header, string? expected)
    {
        var run = Operation("/items/{id}", """[ { "type": "set-backend-service", "baseUrl": "@(context.Request.Headers.GetValueOrDefault(\"X-Backend\", \"\"))" } ]""",
            "/a/items/1", r => r.Headers["X-Backend"] = header);

        var result = Inbound(run);

        Assert.Equal(expected, run.BackendUrl);
        Assert.Equal(expected is null ? PolicyResult.Failed : PolicyResult.Continue, result);
        Assert.Equal(expected is null ? 400 : null, run.LastError?.StatusCode);
    }

    [Theory]
    [InlineData("PUT", "PUT", null)]
    [InlineData("GET\r\nX: y", "GET", 400)]
    [InlineData("CONNECT", "GET", 400)]
    [InlineData("HEAD", "GET", 400)]
    public void SetMethod_Expression_ValidatedPerRequest(string header, string method, int? status)
    {
        var run = Operation("/items/{id}", """
            [ { "type": "set-method", "method": "@(context.Request.Headers.GetValueOrDefault(\"X-Method\", \"GET\"))" },
              { "type": "set-header", "name": "X-Seen", "value": "@(context.Request.Method)" } ]
            """, "/a/items/1", r => r.Headers["X-Method"] = header);

        Inbound(run);

        Assert.Equal(method, run.Http.Request.Method);
        Assert.Equal(status, run.LastError?.StatusCode);
        Assert.Equal(status is null ? method : null, run.Http.Request.Headers["X-Seen"].FirstOrDefault());
    }

    [Fact]
    public void SetMethod_Literal_LaterPoliciesSeeTheNewMethod()
    {
        var run = Operation("/items/{id}", """
            [ { "type": "set-method", "method": "POST" }, { "type": "set-header", "name": "X-Seen", "value": "@(context.Request.Method)" } ]
            """, "/a/items/1");

        Inbound(run);

        Assert.Equal("POST", run.Http.Request.Headers["X-Seen"]);
    }
}
