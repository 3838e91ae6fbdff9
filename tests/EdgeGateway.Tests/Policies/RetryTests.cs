using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies;

namespace EdgeGateway.Tests.Policies;

/// <summary>retry's own rules: the wait before each retry (APIM's schedules), which methods it may repeat, and its condition on an attempt's response.</summary>
public sealed class RetryTests
{
    [Theory]
    [InlineData("\"interval\": 2", new[] { 2, 2, 2, 2 })]
    [InlineData("\"interval\": 2, \"delta\": 3", new[] { 2, 5, 8, 11 })]
    [InlineData("\"interval\": 1, \"delta\": 1, \"maxInterval\": 5", new[] { 1, 2, 4, 5, 5 })]
    [InlineData("\"interval\": 10, \"delta\": 10, \"maxInterval\": 100", new[] { 10, 20, 40, 80, 100, 100 })]
    [InlineData("\"interval\": 2, \"delta\": 3, \"firstFastRetry\": true", new[] { 0, 5, 8 })]
    [InlineData("\"firstFastRetry\": false", new[] { 0, 0, 0 })]
    public void Delay_OfEachRetry_FollowsApimSchedule(string attributes, int[] seconds)
    {
        var retry = Compile(attributes);

        Assert.Equal(seconds.Select(s => TimeSpan.FromSeconds(s)), seconds.Select((_, i) => retry.Delay(i + 1)));
    }

    [Fact]
    public void Delay_ExponentialFarPastTheCap_StaysAtTheCap()
    {
        var retry = Compile("\"interval\": 1, \"delta\": 600, \"maxInterval\": 600");

        Assert.Equal(TimeSpan.FromSeconds(600), retry.Delay(50));
    }

    [Theory]
    [InlineData("GET", false, true)]
    [InlineData("HEAD", false, true)]
    [InlineData("PUT", false, true)]
    [InlineData("DELETE", false, true)]
    [InlineData("OPTIONS", false, true)]
    [InlineData("POST", false, false)]
    [InlineData("PATCH", false, false)]
    [InlineData("PURGE", false, false)]
    [InlineData("POST", true, true)]
    [InlineData("PATCH", true, true)]
    public void Allows_Method_OnlyIdempotentUnlessOptedIn(string method, bool optIn, bool allowed)
    {
        var retry = Compile($"\"interval\": 1, \"retryNonIdempotent\": {(optIn ? "true" : "false")}");

        Assert.Equal(allowed, retry.Allows(new HttpMethod(method)));
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(500, true)]
    [InlineData(200, false)]
    [InlineData(404, false)]
    public void ShouldRetry_ConditionOnStatus_ReadsTheAttemptsResponseNotTheClients(int attemptStatus, bool again)
    {
        var harness = new PipelineHarness(Api("""{ "type": "retry", "condition": "@(context.Response.StatusCode >= 500)", "count": 2 }"""));
        var run = harness.Run("a");
        Backend(run);
        run.Http.Response.StatusCode = 200; // what the client would get so far: not what the condition reads
        using var attempt = new HttpResponseMessage((System.Net.HttpStatusCode)attemptStatus);

        Assert.Equal(again, run.Forward!.Retry!.ShouldRetry(run, attempt));
        Assert.Null(run.Forward.Attempt);
    }

    [Fact]
    public void ShouldRetry_ConditionOnAttemptHeader_ReadsTheAttemptsHeaders()
    {
        var harness = new PipelineHarness(Api("""{ "type": "retry", "condition": "@(context.Response.Headers.GetValueOrDefault(\"X-Busy\", \"\") == \"yes\")", "count": 2 }"""));
        var run = harness.Run("a");
        Backend(run);
        using var busy = new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        busy.Headers.Add("X-Busy", "yes");
        using var free = new HttpResponseMessage(System.Net.HttpStatusCode.OK);

        Assert.True(run.Forward!.Retry!.ShouldRetry(run, busy));
        Assert.False(run.Forward.Retry.ShouldRetry(run, free));
    }

    [Fact]
    public void Backend_ForwardRequestTimeout_SetOnTheRun()
    {
        var harness = new PipelineHarness(Api("""{ "type": "forward-request", "timeout": 7 }"""));
        var run = harness.Run("a");

        Backend(run);

        Assert.Equal(TimeSpan.FromSeconds(7), run.Forward!.Timeout);
        Assert.Null(run.Forward.Retry);
    }

    [Fact]
    public async Task Backend_ForwardRequestBufferRequestBody_BodyHeldForReplayAndStillSent()
    {
        var harness = new PipelineHarness(Api("""{ "type": "forward-request", "bufferRequestBody": true }"""));
        var run = harness.Run("a", request: r =>
        {
            r.Method = "POST";
            r.ContentType = "application/octet-stream";
            r.Body = new MemoryStream([1, 2, 3]);
            r.Headers.TransferEncoding = "chunked";
        });

        Assert.Equal(PolicyResult.Continue, await PolicyPipeline.RunAsync(run.Pipeline.Backend, run, Sections.Backend));

        Assert.Equal(new byte[] { 1, 2, 3 }, run.RequestBody);
        Assert.Equal(3, run.Http.Request.ContentLength);
        Assert.Equal(new byte[] { 1, 2, 3 }, ((MemoryStream)run.Http.Request.Body).ToArray());
    }

    [Fact]
    public async Task Backend_ForwardRequestBufferOverTheLimit_413()
    {
        var harness = new PipelineHarness(Api("""{ "type": "forward-request", "bufferRequestBody": true }"""));
        var run = harness.Run("a", request: r =>
        {
            r.Method = "POST";
            r.Body = new MemoryStream(new byte[PolicyBodies.MaxBuffered + 1]);
        });

        Assert.Equal(PolicyResult.Failed, await PolicyPipeline.RunAsync(run.Pipeline.Backend, run, Sections.Backend));
        Assert.Equal(413, run.LastError!.StatusCode);
    }

    internal static string Api(string backendPolicy, string backend = """{ "urls": ["http://127.0.0.1:1"] }""") => PipelineHarness.Doc($$"""
        [ { "id": "a", "path": "/a", "subscriptionRequired": false, "backend": {{backend}},
            "policies": { "backend": [ {{backendPolicy}} ] } } ]
        """);

    internal static void Backend(PolicyRun run)
    {
        var section = PolicyPipeline.RunAsync(run.Pipeline.Backend, run, Sections.Backend);
        Assert.True(section.IsCompletedSuccessfully);
        Assert.Equal(PolicyResult.Continue, section.Result);
    }

    private static Retry Compile(string attributes)
    {
        var harness = new PipelineHarness(Api($$"""{ "type": "retry", "condition": "@(context.Response.StatusCode == 503)", "count": 50, {{attributes}} }"""));
        var run = harness.Run("a");
        Backend(run);
        return run.Forward!.Retry!;
    }
}
