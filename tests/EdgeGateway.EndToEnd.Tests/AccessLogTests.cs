using System.Net;
using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// The AOT gateway with <c>Telemetry:AccessLog:Enabled</c>: one JSON line per request on stdout (console logs stay on
/// stderr), with APIM's GatewayLogs fields, never the key; the backend gets a W3C traceparent whose trace id is the
/// line's CorrelationId, with no exporter configured. A bad <c>Telemetry:AccessLog:SampleRatio</c> stops the start.
/// </summary>
public sealed class AccessLogTests : IAsyncLifetime
{
    private const string Key = "k-e2e-accesslog-secret";

    private readonly ConfigFolder folder = new();
    private TestBackend backend = null!;

    public async Task InitializeAsync()
    {
        backend = await TestBackend.StartAsync();
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 3,
              "apis": [
                { "id": "echo", "path": "/echo", "backend": { "urls": ["{{backend.Url}}"] } },
                { "id": "dead", "path": "/dead", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] } },
                { "id": "custom", "path": "/custom", "subscriptionKeyParameterNames": { "header": "X-Api-Key", "query": "apikey" },
                  "backend": { "urls": ["{{backend.Url}}"] } } ],
              "subscriptions": [ { "id": "sub-e2e", "scope": "apis/echo", "primaryKey": "{{Key}}" } ] }
            """);
    }

    public async Task DisposeAsync()
    {
        await backend.DisposeAsync();
        folder.Dispose();
    }

    [Fact]
    public async Task AccessLog_JsonLinesOnStdout_CorrelatedWithTheBackendsTraceparent()
    {
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, ["--Gateway:Region=westeurope"],
            new Dictionary<string, string> { ["Telemetry__AccessLog__Enabled"] = "true", ["Gateway__Id"] = "gw-e2e" });

        using var ok = await gateway.Client.GetAsync($"/echo/items?subscription-key={Key}&page=2");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var traceparent = (await Echo.ReadAsync(ok)).Headers["traceparent"].Split('-');
        using var noKey = await gateway.Client.GetAsync("/echo/items");
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        using var dead = await gateway.Client.GetAsync("/dead/x");
        Assert.Equal(HttpStatusCode.BadGateway, dead.StatusCode);
        using var misspelt = await gateway.Client.GetAsync($"/custm/x?apikey={Key}&q=1"); // no API matched, the key under the custom name
        Assert.Equal(HttpStatusCode.NotFound, misspelt.StatusCode);

        await gateway.EventuallyAsync(() => Task.FromResult(gateway.StandardOutputLines.Count(l => l.StartsWith('{')) >= 4), "four access log lines on stdout");
        var lines = gateway.StandardOutputLines.Select(l => JsonDocument.Parse(l).RootElement).ToList(); // every stdout line is JSON
        Assert.DoesNotContain(gateway.Output.Split('\n'), l => l.Contains(Key, StringComparison.Ordinal));

        var served = lines.Single(l => l.GetProperty("ResponseCode").GetInt32() == 200);
        Assert.Equal(4, traceparent.Length);
        Assert.Equal(traceparent[1], served.GetProperty("CorrelationId").GetString());
        Assert.Equal(32, traceparent[1].Length);
        Assert.Equal($"{gateway.BaseAddress.ToString().TrimEnd('/')}/echo/items?page=2", served.GetProperty("Url").GetString());
        Assert.Equal("echo", served.GetProperty("ApiId").GetString());
        Assert.Equal("sub-e2e", served.GetProperty("ApimSubscriptionId").GetString());
        Assert.Equal("GET", served.GetProperty("Method").GetString());
        Assert.Equal(200, served.GetProperty("BackendResponseCode").GetInt32());
        Assert.Equal(backend.Url, served.GetProperty("BackendUrl").GetString());
        Assert.Equal("127.0.0.1", served.GetProperty("CallerIpAddress").GetString());
        Assert.Equal("westeurope", served.GetProperty("Region").GetString());
        Assert.Equal("gw-e2e", served.GetProperty("GatewayId").GetString());
        Assert.Equal("HTTP/1.1", served.GetProperty("ClientProtocol").GetString());
        Assert.True(served.GetProperty("IsRequestSuccess").GetBoolean());
        Assert.True(DateTimeOffset.UtcNow - served.GetProperty("TimeGenerated").GetDateTimeOffset() < TimeSpan.FromMinutes(5));

        var refused = lines.Single(l => l.GetProperty("ResponseCode").GetInt32() == 401);
        Assert.Equal("SubscriptionKeyNotFound", refused.GetProperty("LastErrorReason").GetString());
        Assert.False(refused.GetProperty("IsRequestSuccess").GetBoolean());

        var failed = lines.Single(l => l.GetProperty("ResponseCode").GetInt32() == 502);
        Assert.Equal("BackendConnectionFailure", failed.GetProperty("LastErrorReason").GetString());
        Assert.Equal("dead", failed.GetProperty("ApiId").GetString());
        Assert.Equal("backend", failed.GetProperty("LastErrorSection").GetString());

        var unmatched = lines.Single(l => l.GetProperty("ResponseCode").GetInt32() == 404);
        Assert.Equal($"{gateway.BaseAddress.ToString().TrimEnd('/')}/custm/x?q=1", unmatched.GetProperty("Url").GetString());
    }

    [Fact]
    public async Task AcceptIncomingFalse_NothingTraces_TheBackendGetsNoTraceHeadersAtAll()
    {
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: new Dictionary<string, string>
        {
            ["Telemetry__Tracing__AcceptIncoming"] = "false", // no access log, no exporter
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/traced");
        request.Headers.Add("Ocp-Apim-Subscription-Key", Key);
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        request.Headers.Add("tracestate", "vendor=1");
        request.Headers.Add("baggage", "user=alice");

        using var response = await gateway.Client.SendAsync(request);

        var headers = (await Echo.ReadAsync(response)).Headers;
        Assert.DoesNotContain("traceparent", headers.Keys);
        Assert.DoesNotContain("tracestate", headers.Keys);
        Assert.DoesNotContain("baggage", headers.Keys);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task AcceptIncoming_DecidesWhetherTheBackendSeesTheClientsTrace(string acceptIncoming)
    {
        const string clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: new Dictionary<string, string>
        {
            ["Telemetry__AccessLog__Enabled"] = "true",
            ["Telemetry__Tracing__AcceptIncoming"] = acceptIncoming,
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/traced");
        request.Headers.Add("Ocp-Apim-Subscription-Key", Key);
        request.Headers.Add("traceparent", $"00-{clientTrace}-00f067aa0ba902b7-01");

        using var response = await gateway.Client.SendAsync(request);

        var backendTrace = (await Echo.ReadAsync(response)).Headers["traceparent"].Split('-');
        Assert.Equal(acceptIncoming == "true", backendTrace[1] == clientTrace);
        Assert.NotEqual("00f067aa0ba902b7", backendTrace[2]); // the gateway's span is the backend's parent either way
        await gateway.EventuallyAsync(() => Task.FromResult(gateway.StandardOutputLines.Any(l => l.Contains(backendTrace[1], StringComparison.Ordinal))),
            "the access log line with the backend's trace id");
    }

    [Fact]
    public async Task SampleRatio_OutOfRange_ExitsOne_NamingTheSetting()
    {
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, env: new Dictionary<string, string>
        {
            ["Telemetry__AccessLog__Enabled"] = "true",
            ["Telemetry__AccessLog__SampleRatio"] = "1.5",
        });

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Telemetry:AccessLog:SampleRatio: '1.5'", gateway.Output, StringComparison.Ordinal);
    }
}
