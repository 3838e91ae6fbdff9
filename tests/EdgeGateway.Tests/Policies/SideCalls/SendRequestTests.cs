using System.Net;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies.SideCalls;

/// <summary>send-request and send-one-way-request through the compiled pipeline, against an in-memory target.</summary>
public sealed class SendRequestTests
{
    private static string Api(string inbound, string namedValues = "[]") => $$"""
        { "schemaVersion": 1, "revision": 1, "namedValues": {{namedValues}},
          "apis": [ { "id": "a", "path": "/a", "subscriptionRequired": false, "backend": { "urls": ["http://backend.test:8080/base"] },
                      "policies": { "inbound": {{inbound}} } } ] }
        """;

    private const string TokenCall = """
        { "type": "send-request", "responseVariableName": "tok", "timeout": 5, "ignoreError": IGNORE, "policies": [
            { "type": "set-url", "url": "@(\"http://idp.test/token?client=\" + context.Api.Id)" },
            { "type": "set-method", "method": "POST" },
            { "type": "set-header", "name": "Content-Type", "value": "application/x-www-form-urlencoded" },
            { "type": "set-body", "value": "@(\"grant_type=client_credentials&api=\" + context.Api.Id)" },
            { "type": "authentication-basic", "username": "client", "password": "{{secret}}" } ] },
        { "type": "set-header", "name": "Authorization",
          "value": "@(\"Bearer \" + ((IResponse)context.Variables[\"tok\"]).Body.As<JObject>()[\"access_token\"])" },
        { "type": "set-header", "name": "X-Token-Status", "value": "@(((IResponse)context.Variables[\"tok\"]).StatusCode.ToString())" }
        """;

    private static string Token(bool ignoreError) => $"[ {TokenCall.Replace("IGNORE", ignoreError ? "true" : "false")} ]";

    private const string Secret = """[ { "id": "secret", "value": "s3cr3t:pw", "secret": true } ]""";

    private static async Task<(PolicyRun Run, PolicyResult Result)> Inbound(PipelineHarness harness, Action<Microsoft.AspNetCore.Http.HttpRequest>? request = null,
        bool keyInQuery = false)
    {
        var run = harness.Run("a", request: request, keyInQuery: keyInQuery);
        var result = await PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound);
        return (run, result);
    }

    [Fact]
    public async Task SendRequest_TokenEndpoint_ChildrenShapeTheCallAndLaterPoliciesReadTheResponse()
    {
        var target = new FakeTarget();
        var harness = new PipelineHarness(Api(Token(false), Secret), SideCallServices.Create(target));

        var (run, result) = await Inbound(harness);

        Assert.Equal(PolicyResult.Continue, result);
        var call = Assert.Single(target.Sent);
        Assert.Equal("POST", call.Method);
        Assert.Equal("http://idp.test/token?client=a", call.Url);
        Assert.Equal("application/x-www-form-urlencoded", call.Headers["Content-Type"]);
        Assert.Equal("grant_type=client_credentials&api=a", call.Body);
        Assert.Equal("Basic " + Convert.ToBase64String("client:s3cr3t:pw"u8.ToArray()), call.Headers["Authorization"]);
        Assert.Equal("Bearer tok-1", run.Http.Request.Headers.Authorization.ToString());
        Assert.Equal("200", run.Http.Request.Headers["X-Token-Status"].ToString());
        Assert.Equal("t-1", run.ResponseVariable("tok")!.Header("x-trace"));
    }

    [Fact]
    public async Task SendRequest_ConnectionFails_WithoutIgnoreError_OnErrorWith502AndLastError()
    {
        var target = new FakeTarget { Answer = (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (idp.test:80)") };
        var harness = new PipelineHarness(Api(Token(false), Secret), SideCallServices.Create(target));

        var (run, result) = await Inbound(harness);

        Assert.Equal(PolicyResult.Failed, result);
        Assert.Equal(("send-request", "ConnectionFailed", StatusCodes.Status502BadGateway), (run.LastError!.Source, run.LastError.Reason, run.LastError.StatusCode));
        Assert.DoesNotContain("s3cr3t", run.LastError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendRequest_ConnectionFails_WithIgnoreError_GoesOnWithNoResponse()
    {
        var target = new FakeTarget { Answer = (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused") };
        var harness = new PipelineHarness(Api(Token(true), Secret), SideCallServices.Create(target));

        var (run, result) = await Inbound(harness);

        Assert.Equal(PolicyResult.Continue, result);
        Assert.Null(run.ResponseVariable("tok"));
        Assert.Equal("Bearer ", run.Http.Request.Headers.Authorization.ToString());
        Assert.Equal("0", run.Http.Request.Headers["X-Token-Status"].ToString());
    }

    [Fact]
    public async Task SendRequest_TargetNeverAnswers_TimesOutWith504WhenItsOwnTimeoutPasses()
    {
        var time = new FakeTimeProvider();
        var target = new FakeTarget();
        target.Answer = async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        };
        var harness = new PipelineHarness(Api(Token(false), Secret), SideCallServices.Create(target, time));

        var run = harness.Run("a");
        var pending = PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound).AsTask();
        await target.FirstCall.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var result = await pending.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(PolicyResult.Failed, result);
        Assert.Equal(("Timeout", StatusCodes.Status504GatewayTimeout), (run.LastError!.Reason, run.LastError.StatusCode));
    }

    [Fact]
    public async Task SendRequest_BodyOverTheCap_FailsAsBodyTooLarge()
    {
        var target = new FakeTarget { Answer = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[1024 * 1024 + 1]) }) };
        var harness = new PipelineHarness(Api(Token(false), Secret), SideCallServices.Create(target));

        var (run, result) = await Inbound(harness);

        Assert.Equal(PolicyResult.Failed, result);
        Assert.Equal("BodyTooLarge", run.LastError!.Reason);
    }

    [Fact]
    public async Task SendRequest_UrlExpressionNotAUrl_FailsAsInvalidUrl()
    {
        var target = new FakeTarget();
        var harness = new PipelineHarness(Api("""
            [ { "type": "send-request", "responseVariableName": "r", "policies": [
                { "type": "set-url", "url": "@(context.Request.Headers.GetValueOrDefault(\"X-Target\", \"\"))" } ] } ]
            """), SideCallServices.Create(target));

        var (run, result) = await Inbound(harness, r => r.Headers["X-Target"] = "file:///etc/passwd");

        Assert.Equal(PolicyResult.Failed, result);
        Assert.Equal("InvalidUrl", run.LastError!.Reason);
        Assert.Empty(target.Sent);
    }

    [Fact]
    public async Task SendRequest_ManagedIdentityChild_BearerTokenFromTheSource()
    {
        var target = new FakeTarget();
        var tokens = new FakeTokens();
        var harness = new PipelineHarness(Api("""
            [ { "type": "send-request", "responseVariableName": "r", "policies": [
                { "type": "set-url", "url": "http://vault.test/secrets/x" },
                { "type": "authentication-managed-identity", "resource": "https://vault.azure.net", "clientId": "cid-1" } ] } ]
            """), SideCallServices.Create(target, tokens: tokens));

        var (_, result) = await Inbound(harness);

        Assert.Equal(PolicyResult.Continue, result);
        Assert.Equal("Bearer mi-token-for-https://vault.azure.net", Assert.Single(target.Sent).Headers["Authorization"]);
        Assert.Equal(("https://vault.azure.net", "cid-1"), Assert.Single(tokens.Asked));
    }

    [Fact]
    public async Task SendRequest_ManagedIdentityChildWithOutputVariable_TokenOnlyInTheVariableAsTheTopLevelPolicy()
    {
        var target = new FakeTarget();
        var harness = new PipelineHarness(Api("""
            [ { "type": "send-request", "responseVariableName": "r", "policies": [
                { "type": "set-url", "url": "http://vault.test/secrets/x" },
                { "type": "set-header", "name": "Authorization", "value": "Basic own" },
                { "type": "authentication-managed-identity", "resource": "https://vault.azure.net", "outputTokenVariableName": "mi" } ] } ]
            """), SideCallServices.Create(target, tokens: new FakeTokens()));

        var (run, result) = await Inbound(harness);

        Assert.Equal(PolicyResult.Continue, result);
        Assert.Equal("Basic own", Assert.Single(target.Sent).Headers["Authorization"]);
        Assert.Equal("mi-token-for-https://vault.azure.net", run.Variable("mi"));
    }

    [Fact]
    public async Task SendRequest_ManagedIdentityRefused_ClientMessageIsFixedText_NotTheSourcesError()
    {
        var harness = new PipelineHarness(Api("""
            [ { "type": "send-request", "responseVariableName": "r", "policies": [
                { "type": "set-url", "url": "http://vault.test/secrets/x" },
                { "type": "authentication-managed-identity", "resource": "https://vault.azure.net" } ] } ]
            """), SideCallServices.Create(new FakeTarget(), tokens: new FakeTokens { Refuse = true }));

        var (run, _) = await Inbound(harness);

        Assert.Equal("send-request failed: Managed identity token could not be obtained.", run.LastError!.Message);
        Assert.DoesNotContain("identity endpoint", run.LastError.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 1)]
    public async Task SendRequest_ManagedIdentityRefused_FailsOrGoesWithoutTokenPerChildIgnoreError(bool ignoreError, int calls)
    {
        var target = new FakeTarget();
        var harness = new PipelineHarness(Api($$"""
            [ { "type": "send-request", "responseVariableName": "r", "policies": [
                { "type": "set-url", "url": "http://vault.test/secrets/x" },
                { "type": "authentication-managed-identity", "resource": "https://vault.azure.net", "ignoreError": {{(ignoreError ? "true" : "false")}} } ] } ]
            """), SideCallServices.Create(target, tokens: new FakeTokens { Refuse = true }));

        var (run, result) = await Inbound(harness);

        Assert.Equal(ignoreError ? PolicyResult.Continue : PolicyResult.Failed, result);
        Assert.Equal(calls, target.Sent.Count);
        Assert.All(target.Sent, s => Assert.False(s.Headers.ContainsKey("Authorization")));
        Assert.Equal(ignoreError ? null : "ManagedIdentityTokenFailed", run.LastError?.Reason);
    }

    [Fact]
    public async Task SendRequest_ModeCopy_StartsFromTheRequestAsTheBackendWouldGetIt()
    {
        var target = new FakeTarget();
        var harness = new PipelineHarness(Api("""
            [ { "type": "send-request", "mode": "copy", "responseVariableName": "r", "policies": [
                { "type": "set-header", "name": "X-Copy", "value": "yes" } ] } ]
            """), SideCallServices.Create(target));

        var (run, result) = await Inbound(harness, r =>
        {
            r.Method = "PUT";
            r.Path = "/a/items/7";
            r.QueryString = new QueryString("?x=1");
            r.Headers["X-Client"] = "c";
            r.Body = new MemoryStream("payload"u8.ToArray());
            r.ContentLength = 7;
        });

        Assert.Equal(PolicyResult.Continue, result);
        Assert.Equal("payload", System.Text.Encoding.UTF8.GetString(run.RequestBody!)); // still the backend's
        var call = Assert.Single(target.Sent);
        Assert.Equal(("PUT", "http://backend.test:8080/base/items/7?x=1", "payload"), (call.Method, call.Url, call.Body));
        Assert.Equal(("c", "yes"), (call.Headers["X-Client"], call.Headers["X-Copy"]));
    }

    [Fact]
    public async Task SendRequest_ModeCopy_SubscriptionKeyNeitherInHeaderNorQuery()
    {
        var target = new FakeTarget();
        var harness = new PipelineHarness(Api("""
            [ { "type": "send-request", "mode": "copy", "responseVariableName": "r" } ]
            """), SideCallServices.Create(target));

        var (_, result) = await Inbound(harness, r =>
        {
            r.Path = "/a/items";
            r.QueryString = new QueryString("?x=1&subscription-key=sk-in-query&y=2");
            r.Headers["Ocp-Apim-Subscription-Key"] = "sk-in-header";
            r.Headers["X-Client"] = "c";
        }, keyInQuery: true);

        Assert.Equal(PolicyResult.Continue, result);
        var call = Assert.Single(target.Sent);
        Assert.Equal("http://backend.test:8080/base/items?x=1&y=2", call.Url);
        Assert.False(call.Headers.ContainsKey("Ocp-Apim-Subscription-Key"));
        Assert.Equal("c", call.Headers["X-Client"]);
    }

    [Theory]
    [InlineData("""{ "type": "send-request", "mode": "copy", "responseVariableName": "r", "ignoreError": true }""")]
    [InlineData("""{ "type": "send-one-way-request", "mode": "copy" }""")]
    public async Task ModeCopy_ChunkedBodyOverTheCap_RequestFailsWith413WhateverIgnoreErrorSays(string policy)
    {
        var target = new FakeTarget();
        var harness = new PipelineHarness(Api($"[ {policy} ]"), SideCallServices.Create(target));

        var (run, result) = await Inbound(harness, r =>
        {
            r.Method = "POST";
            r.Headers.TransferEncoding = "chunked"; // no Content-Length: the cap is found only by reading
            r.Body = new MemoryStream(new byte[1024 * 1024 + 1]);
        });

        Assert.Equal(PolicyResult.Failed, result);
        Assert.Equal(("BodyTooLarge", StatusCodes.Status413PayloadTooLarge), (run.LastError!.Reason, run.LastError.StatusCode));
        Assert.Empty(target.Sent);
    }

    [Fact]
    public async Task ModeCopy_Http2BodyWithoutContentLength_CopiedAsTheServerSaysItHasOne()
    {
        var target = new FakeTarget();
        var harness = new PipelineHarness(Api("""
            [ { "type": "send-request", "mode": "copy", "responseVariableName": "r" } ]
            """), SideCallServices.Create(target));

        var (_, result) = await Inbound(harness, r =>
        {
            r.Method = "POST";
            r.Protocol = "HTTP/2";
            r.Body = new MemoryStream("h2 payload"u8.ToArray()); // neither Content-Length nor chunking, as HTTP/2 allows
            r.HttpContext.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>(new BodyDetection(true));
        });

        Assert.Equal(PolicyResult.Continue, result);
        Assert.Equal("h2 payload", Assert.Single(target.Sent).Body);
    }

    [Fact]
    public async Task SendOneWayRequest_MoreThanTheCapInFlight_DroppedAndLoggedUntilASlotFrees()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var target = new FakeTarget();
        target.Answer = async (_, _) =>
        {
            await release.Task;
            return new HttpResponseMessage(HttpStatusCode.Accepted);
        };
        var logger = new ListLogger();
        var services = SideCallServices.Create(target, logger: logger, maxOneWayInFlight: 2);
        var harness = new PipelineHarness(Api("""
            [ { "type": "send-one-way-request", "policies": [ { "type": "set-url", "url": "http://audit.test/events?secret=q" } ] } ]
            """), services);

        await Inbound(harness);
        await Inbound(harness);
        await WaitUntil(() => target.Sent.Count == 2, "both calls reached the target");
        var (_, result) = await Inbound(harness);

        Assert.Equal(PolicyResult.Continue, result);
        var dropped = Assert.Single(logger.Entries, e => e.Id == 343);
        Assert.Contains("audit.test", dropped.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret=q", dropped.Message, StringComparison.Ordinal);

        release.SetResult();
        await WaitUntil(() => services.SideCalls.OneWayInFlight == 0, "the held calls ended");
        await Inbound(harness);
        await WaitUntil(() => target.Sent.Count == 3, "a call after the others ended went out");
    }

    [Fact]
    public async Task SendOneWayRequest_TargetSlow_RequestGoesOnAndTheCallStillArrives()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var target = new FakeTarget();
        target.Answer = async (_, _) =>
        {
            await release.Task;
            return new HttpResponseMessage(HttpStatusCode.Accepted);
        };
        var harness = new PipelineHarness(Api("""
            [ { "type": "send-one-way-request", "policies": [
                { "type": "set-url", "url": "http://audit.test/events" },
                { "type": "set-method", "method": "POST" },
                { "type": "set-body", "value": "@(\"seen \" + context.Request.Method)" } ] },
              { "type": "set-header", "name": "X-After", "value": "ran" } ]
            """), SideCallServices.Create(target));

        var (run, result) = await Inbound(harness);

        Assert.Equal(PolicyResult.Continue, result);
        Assert.Equal("ran", run.Http.Request.Headers["X-After"].ToString());
        var call = await target.FirstCall.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(("POST", "http://audit.test/events", "seen GET"), (call.Method, call.Url, call.Body));
        release.SetResult();
    }

    [Fact]
    public async Task SendOneWayRequest_TargetFails_RequestNeverFails_FailureLoggedWithHostAndReason()
    {
        var target = new FakeTarget { Answer = (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused") };
        var logger = new ListLogger();
        var harness = new PipelineHarness(Api("""
            [ { "type": "send-one-way-request", "policies": [ { "type": "set-url", "url": "http://audit.test/events?token=t0p" } ] } ]
            """), SideCallServices.Create(target, logger: logger));

        var (run, result) = await Inbound(harness);

        Assert.Equal(PolicyResult.Continue, result);
        Assert.Null(run.LastError);
        var failed = await logger.WaitForAsync(341);
        Assert.Equal("send-one-way-request to audit.test failed: ConnectionFailed (ConnectionError)", failed.Message);
    }

    [Fact]
    public async Task SendOneWayRequest_ChildCannotComputeTheRequest_LoggedAsAOneWayFailure()
    {
        var logger = new ListLogger();
        var harness = new PipelineHarness(Api("""
            [ { "type": "send-one-way-request", "policies": [ { "type": "set-url", "url": "http://audit.test/events" },
                { "type": "set-method", "method": "@(context.Request.Headers.GetValueOrDefault(\"X-M\", \"\"))" } ] } ]
            """), SideCallServices.Create(new FakeTarget(), logger: logger));

        var (run, result) = await Inbound(harness, r => r.Headers["X-M"] = "NOT A METHOD");

        Assert.Equal(PolicyResult.Continue, result);
        Assert.Null(run.LastError);
        Assert.Equal(341, Assert.Single(logger.Entries).Id);
    }

    [Fact]
    public async Task Variables_TextAndResponseShareNames_TheLastOneSetWins()
    {
        var target = new FakeTarget();
        var harness = new PipelineHarness(Api("""
            [ { "type": "set-variable", "name": "r", "value": "text" },
              { "type": "send-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "http://idp.test/" } ] },
              { "type": "set-header", "name": "X-Text", "value": "@(context.Variables.GetValueOrDefault<string>(\"r\", \"none\"))" },
              { "type": "set-header", "name": "X-Status", "value": "@(((IResponse)context.Variables[\"r\"]).StatusCode.ToString())" } ]
            """), SideCallServices.Create(target));

        var (run, _) = await Inbound(harness);

        Assert.Equal(("none", "200"), (run.Http.Request.Headers["X-Text"].ToString(), run.Http.Request.Headers["X-Status"].ToString()));
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 30 s: {what}");
            await Task.Delay(10);
        }
    }

    private sealed class BodyDetection(bool canHaveBody) : Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody { get; } = canHaveBody;
    }
}
