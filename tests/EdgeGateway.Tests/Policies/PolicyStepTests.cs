using EdgeGateway.Policies;
using Microsoft.AspNetCore.Http;
using static EdgeGateway.Tests.Policies.PipelineHarness;

namespace EdgeGateway.Tests.Policies;

public sealed class PolicyStepTests
{
    private static PolicyRun Api(string inbound, string outbound = "[]", Action<HttpRequest>? request = null, string? subscriptionId = null) =>
        new PipelineHarness(Doc($$"""
[ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
            "policies": { "inbound": {{inbound}}, "outbound": {{outbound}} } } ]
""")).Run("a", subscriptionId: subscriptionId, request: request);

    [Theory]
    [InlineData("override", new[] { "new" })]
    [InlineData("skip", new[] { "old" })]
    [InlineData("append", new[] { "old", "new" })]
    [InlineData("delete", new string[0])]
    public void SetHeader_ExistingHeader_ExistsActionDecides(string action, string[] expected)
    {
        var run = Api($$"""[ { "type": "set-header", "name": "X-H", "value": "new", "existsAction": "{{action}}" } ]""",
            request: r => r.Headers["X-H"] = "old");

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Equal(string.Join(",", expected), run.Http.Request.Headers["X-H"].ToString());
    }

    [Fact]
    public void SetHeader_Expression_ReadsTheSubscription()
    {
        var run = Api("""[ { "type": "set-header", "name": "X-Caller", "value": "@(context.Subscription.Id + \"@\" + context.Deployment.Region)" } ]""",
            subscriptionId: "alice");

        Inbound(run);

        Assert.Equal("alice@west", run.Http.Request.Headers["X-Caller"]);
    }

    [Fact]
    public void SetHeader_SeveralValues_AllSet()
    {
        var run = Api("""[ { "type": "set-header", "name": "X-Many", "values": ["one", "two"] } ]""");

        Inbound(run);

        Assert.Equal("one,two", run.Http.Request.Headers["X-Many"].ToString());
    }

    [Theory]
    [InlineData("a%0D%0AX-Injected: yes")]
    [InlineData("a%0Ab")]
    [InlineData("caf%C3%A9")]
    public void SetHeader_ValueFromQueryWithControlOrNonAscii_FailsWith400AndSetsNothing(string query)
    {
        var run = Api("""[ { "type": "set-header", "name": "X-Q", "value": "@(context.Request.Url.Query.GetValueOrDefault(\"q\", \"\"))" } ]""",
            request: r => r.QueryString = new QueryString("?q=" + query));

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.False(run.Http.Request.Headers.ContainsKey("X-Q"));
        Assert.Equal(("set-header", "InvalidHeaderValue", 400), (run.LastError!.Source, run.LastError.Reason, run.LastError.StatusCode));
    }

    [Fact]
    public void SetHeader_HugeValue_Fails()
    {
        var run = Api("""[ { "type": "set-header", "name": "X-Copy", "value": "@(context.Request.Headers.GetValueOrDefault(\"X-Big\", \"\") + \"!\")" } ]""",
            request: r => r.Headers["X-Big"] = new string('a', HeaderValues.MaxLength));

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.False(run.Http.Request.Headers.ContainsKey("X-Copy"));
    }

    [Fact]
    public void SetHeader_Outbound_SetsTheResponseHeaderWithItsStatus()
    {
        var run = Api("[]", outbound: """[ { "type": "set-header", "name": "X-Status", "value": "@(\"was \" + context.Response.StatusCode)" } ]""");
        run.Http.Response.StatusCode = 201;

        Assert.Equal(PolicyResult.Continue, Outbound(run));
        Assert.Equal("was 201", run.Http.Response.Headers["X-Status"]);
        Assert.False(run.Http.Request.Headers.ContainsKey("X-Status"));
    }

    [Theory]
    [InlineData("override", "?keep=%41&b=2&mode=new")]
    [InlineData("skip", "?keep=%41&mode=old&b=2")]
    [InlineData("append", "?keep=%41&mode=old&b=2&mode=new")]
    [InlineData("delete", "?keep=%41&b=2")]
    public void SetQueryParameter_ExistsAction_OtherParametersKeepTheirBytes(string action, string expected)
    {
        var run = Api($$"""[ { "type": "set-query-parameter", "name": "mode", "value": "new", "existsAction": "{{action}}" } ]""",
            request: r => r.QueryString = new QueryString("?keep=%41&mode=old&b=2"));

        Inbound(run);

        Assert.Equal(expected, run.Http.Request.QueryString.Value);
    }

    [Fact]
    public void SetQueryParameter_ValueNeedingEncoding_Encoded()
    {
        var run = Api("""[ { "type": "set-query-parameter", "name": "who", "value": "@(context.Request.Headers.GetValueOrDefault(\"X-Who\", \"\"))" } ]""",
            request: r => r.Headers["X-Who"] = "a b&c=d");

        Inbound(run);

        Assert.Equal("?who=a%20b%26c%3Dd", run.Http.Request.QueryString.Value);
        Assert.Equal("a b&c=d", run.Http.Request.Query["who"]);
    }

    [Fact]
    public void SetVariable_ThenSetHeader_LaterPolicyReadsTheVariable()
    {
        var run = Api("""
[ { "type": "set-variable", "name": "tenant", "value": "@(context.Request.Headers.GetValueOrDefault(\"X-Tenant\", \"none\"))" },
                          { "type": "set-header", "name": "X-Tenant-Copy", "value": "@((string)context.Variables[\"tenant\"])" } ]
""",
            request: r => r.Headers["X-Tenant"] = "contoso");

        Inbound(run);

        Assert.Equal("contoso", run.Variable("tenant"));
        Assert.Equal("contoso", run.Http.Request.Headers["X-Tenant-Copy"]);
    }

    [Fact]
    public void CheckHeader_Missing_FailsWithConfiguredCodeAndMessage()
    {
        var run = Api("""
[ { "type": "check-header", "name": "X-Client", "failedCheckHttpCode": 403, "failedCheckErrorMessage": "Client required" },
                          { "type": "set-header", "name": "X-After", "value": "ran" } ]
""");

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.Equal(("check-header", "HeaderNotFound", "Client required", 403),
            (run.LastError!.Source, run.LastError.Reason, run.LastError.Message, run.LastError.StatusCode));
        Assert.False(run.Http.Request.Headers.ContainsKey("X-After"));
    }

    [Theory]
    [InlineData("beta", false, true)]
    [InlineData("BETA", true, true)]
    [InlineData("BETA", false, false)]
    [InlineData("gamma", true, false)]
    public void CheckHeader_Values_OneMustMatch(string sent, bool ignoreCase, bool passes)
    {
        var run = Api($$"""
[ { "type": "check-header", "name": "X-Channel", "failedCheckHttpCode": 400, "failedCheckErrorMessage": "bad channel",
                              "ignoreCase": {{(ignoreCase ? "true" : "false")}}, "values": ["alpha", "beta"] } ]
""",
            request: r => r.Headers["X-Channel"] = sent);

        Assert.Equal(passes ? PolicyResult.Continue : PolicyResult.Failed, Inbound(run));
        Assert.Equal(passes ? null : "HeaderValueNotAllowed", run.LastError?.Reason);
    }

    [Fact]
    public async Task ReturnResponse_Inbound_AnswersWithStatusHeadersAndBodyAndStops()
    {
        var run = Api("""
[ { "type": "return-response", "statusCode": 418, "headers": [ { "name": "X-Teapot", "value": "@(context.Request.Method)" } ],
                            "body": "short and stout" },
                          { "type": "set-header", "name": "X-After", "value": "ran" } ]
""");

        Assert.Equal(PolicyResult.Responded, Inbound(run));
        await run.Answer!.WriteBodyAsync(run);

        Assert.Equal(418, run.Http.Response.StatusCode);
        Assert.Equal("GET", run.Http.Response.Headers["X-Teapot"]);
        Assert.Equal("short and stout", System.Text.Encoding.UTF8.GetString(((MemoryStream)run.Http.Response.Body).ToArray()));
        Assert.False(run.Http.Request.Headers.ContainsKey("X-After"));
    }

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    public async Task ReturnResponse_StatusWithoutBody_WritesNoBodyWhateverBodySays(int status)
    {
        var run = Api($$"""[ { "type": "return-response", "statusCode": {{status}}, "body": "never sent" } ]""");

        Assert.Equal(PolicyResult.Responded, Inbound(run));
        await run.Answer!.WriteBodyAsync(run);

        Assert.Equal(status, run.Http.Response.StatusCode);
        Assert.Null(run.Http.Response.ContentLength);
        Assert.Equal(0, run.Http.Response.Body.Length);
    }

    [Fact]
    public async Task ReturnResponse_HeadRequest_SendsTheLengthButNoBody()
    {
        var run = Api("""[ { "type": "return-response", "statusCode": 200, "body": "twelve bytes" } ]""", request: r => r.Method = "HEAD");

        Inbound(run);
        await run.Answer!.WriteBodyAsync(run);

        Assert.Equal(12, run.Http.Response.ContentLength);
        Assert.Equal(0, run.Http.Response.Body.Length);
    }

    [Theory]
    [InlineData("s3cret", "s3cret", true)]
    [InlineData("s3cret", "s3creT", false)]
    [InlineData("s3cre", "s3cret", false)]
    [InlineData(null, "s3cret", false)]
    public void CheckHeader_CaseSensitiveComparison_MatchesExactlyInConstantTime(string? presented, string allowed, bool matches)
    {
        Assert.Equal(matches, CheckHeader.Matches(presented, allowed, StringComparison.Ordinal));
    }

    [Fact]
    public void SetStatus_Outbound_ChangesTheClientsStatus()
    {
        var run = Api("[]", outbound: """[ { "type": "set-status", "code": 299, "reason": "Fine" } ]""");
        run.Http.Response.StatusCode = 200;

        Outbound(run);

        Assert.Equal(299, run.Http.Response.StatusCode);
        Assert.True(run.StatusSet);
    }

    [Fact]
    public void SetHeader_WithheldSecretNamedValue_Fails500WithoutTheText()
    {
        var run = new PipelineHarness("""
            { "schemaVersion": 1, "namedValues": [ { "id": "token", "secret": true } ],
              "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
                "policies": { "inbound": [ { "type": "set-header", "name": "Authorization", "value": "Bearer {{token}}" } ] } } ] }
            """).Run("a");

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.Equal((500, PolicyPipeline.CannotEvaluate), (run.LastError!.StatusCode, run.LastError.Message));
        Assert.False(run.Http.Request.Headers.ContainsKey("Authorization"));
    }
}
