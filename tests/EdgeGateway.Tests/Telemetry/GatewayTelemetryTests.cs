using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Alba;
using EdgeGateway.Telemetry;
using EdgeGateway.Tests.Hosting;
using EdgeGateway.Tests.Policies.Jwt;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>
/// The gateway's own instrumentation for a known call sequence through the composition root (Alba, a real Kestrel backend):
/// a 200, a 401 without a key, a 429 from rate-limit, a 502 from a dead backend and a 401 from validate-jwt. Asserts what an
/// exporter would receive (metric tags and values, span attributes and events), trace context at the backend with
/// <c>Telemetry:Tracing:AcceptIncoming</c> on and off, and the access log's lines.
/// </summary>
[Collection(nameof(EnvironmentSensitive))]
public sealed class GatewayTelemetryTests : IAsyncLifetime
{
    private const string ClientTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ClientSpanId = "b7ad6b7169203331";
    private const string ClientTraceparent = $"00-{ClientTraceId}-{ClientSpanId}-01";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly string folder = Directory.CreateTempSubdirectory("eg-tel-").FullName;
    private readonly ConcurrentDictionary<string, string> traceparents = new();
    private readonly ConcurrentDictionary<string, ActivityTraceId> sent = new();
    private readonly LineCapture accepting = new();
    private readonly LineCapture ignoring = new();
    private TelemetryProbe probe = null!;
    private WebApplication backend = null!;
    private IAlbaHost host = null!;
    private IAlbaHost notAccepting = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        probe = new TelemetryProbe();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        backend = builder.Build();
        backend.Map("/{**rest}", (HttpContext c) =>
        {
            traceparents[c.Request.Path.Value!] = c.Request.Headers["traceparent"].ToString();
            return Results.Text("ok");
        });
        await backend.StartAsync();
        var backendUrl = backend.Urls.First();

        var config = Path.Combine(folder, "gateway.json");
        await File.WriteAllTextAsync(config, $$"""
            { "schemaVersion": 1, "revision": 7, "gatewayId": "gw-tel",
              "apis": [
                { "id": "tinv", "path": "/tinv", "backend": { "urls": ["{{backendUrl}}/v2"] } },
                { "id": "tlimited", "path": "/tlimited", "subscriptionRequired": false, "backend": { "urls": ["{{backendUrl}}"] },
                  "policies": { "inbound": [ { "type": "rate-limit", "calls": 1, "renewalPeriod": 300 } ] } },
                { "id": "tdead", "path": "/tdead", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] } },
                { "id": "tjwt", "path": "/tjwt", "subscriptionRequired": false, "backend": { "urls": ["{{backendUrl}}"] },
                  "policies": { "inbound": [ { "type": "validate-jwt", "issuers": ["{{TestTokens.Issuer}}"], "audiences": ["{{TestTokens.Audience}}"],
                    "issuerSigningKeys": [ {{TestTokens.OctJwk(RandomNumberGenerator.GetBytes(32), "hs-1")}} ] } ] } } ],
              "products": [ { "id": "gold", "apis": ["tinv"] } ],
              "subscriptions": [ { "id": "sub-1", "scope": "products/gold", "primaryKey": "k-secret-123" } ] }
            """);
        Environment.SetEnvironmentVariable("Gateway__ConfigFile", config);
        Environment.SetEnvironmentVariable("Gateway__Id", "gw-tel");
        Environment.SetEnvironmentVariable("Telemetry__AccessLog__Enabled", "true");
        host = await AlbaHost.For<Program>(b => b.ConfigureServices(s => s.AddSingleton(new AccessLogSink(accepting))));
        Environment.SetEnvironmentVariable("Telemetry__Tracing__AcceptIncoming", "false");
        Environment.SetEnvironmentVariable("Telemetry__AccessLog__SampleRatio", "0");
        notAccepting = await AlbaHost.For<Program>(b => b.ConfigureServices(s => s.AddSingleton(new AccessLogSink(ignoring))));
        client = host.Server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        foreach (var name in new[] { "Gateway__ConfigFile", "Gateway__Id", "Telemetry__AccessLog__Enabled", "Telemetry__Tracing__AcceptIncoming", "Telemetry__AccessLog__SampleRatio" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        client.Dispose();
        await host.DisposeAsync();
        await notAccepting.DisposeAsync();
        await backend.DisposeAsync();
        probe.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task KnownSequence_RequestMetricsAndRejections_ByApiStatusClassAndReason()
    {
        await Sequence();

        await Eventually(() => probe.Count("edgegateway.requests", Tags(("edgegateway.api.id", "tjwt"))) == 1);
        Assert.Equal(1, probe.Sum("edgegateway.requests", Tags(("edgegateway.api.id", "tinv"), ("edgegateway.status_class", "2xx"),
            ("edgegateway.product.id", "gold"), ("edgegateway.gateway.id", "gw-tel"))));
        Assert.Equal(1, probe.Sum("edgegateway.requests", Tags(("edgegateway.api.id", "tinv"), ("edgegateway.status_class", "4xx")),
            "edgegateway.product.id", "edgegateway.operation.id")); // no key, no product: the tag is absent, not empty
        Assert.Equal(1, probe.Sum("edgegateway.requests", Tags(("edgegateway.api.id", "tlimited"), ("edgegateway.status_class", "2xx"))));
        Assert.Equal(1, probe.Sum("edgegateway.requests", Tags(("edgegateway.api.id", "tlimited"), ("edgegateway.status_class", "4xx"))));
        Assert.Equal(1, probe.Sum("edgegateway.requests", Tags(("edgegateway.api.id", "tdead"), ("edgegateway.status_class", "5xx"))));
        Assert.Equal(1, probe.Sum("edgegateway.requests", Tags(("edgegateway.api.id", "tjwt"), ("edgegateway.status_class", "4xx"))));
        Assert.Equal(6, probe.Count("edgegateway.request.duration", Tags(("edgegateway.gateway.id", "gw-tel"))));

        Assert.Equal(1, probe.Sum("edgegateway.rejections", Tags(("edgegateway.api.id", "tinv"), ("edgegateway.rejection.reason", "subscription_key"))));
        Assert.Equal(1, probe.Sum("edgegateway.rejections", Tags(("edgegateway.api.id", "tlimited"), ("edgegateway.rejection.reason", "rate_limit"),
            ("edgegateway.policy", "rate-limit"))));
        Assert.Equal(1, probe.Sum("edgegateway.rejections", Tags(("edgegateway.api.id", "tjwt"), ("edgegateway.rejection.reason", "jwt"),
            ("edgegateway.policy", "validate-jwt"))));
        Assert.Equal(0, probe.Sum("edgegateway.rejections", Tags(("edgegateway.api.id", "tdead"))));
        Assert.Equal(1, probe.Sum("edgegateway.policy.errors", Tags(("edgegateway.api.id", "tlimited"), ("edgegateway.policy", "rate-limit"),
            ("edgegateway.policy.section", "inbound"), ("error.type", "RateLimitExceeded"))));

        // The backend answered tinv's and tlimited's first call; the dead backend answered nothing.
        Assert.Equal(1, probe.Count("edgegateway.backend.duration", Tags(("edgegateway.api.id", "tinv"), ("edgegateway.status_class", "2xx"))));
        Assert.Equal(0, probe.Count("edgegateway.backend.duration", Tags(("edgegateway.api.id", "tdead"))));
        Assert.True(probe.Sum("edgegateway.io", Tags(("edgegateway.api.id", "tinv"), ("network.io.direction", "transmit"))) >= 2); // "ok"
    }

    [Fact]
    public async Task Spans_CarryTheGatewayAttributes_PolicyFailureEvent_AndErrorStatusOn5xx()
    {
        await Sequence();

        await Eventually(() => Server("jwt") is not null);
        var ok = Server("ok")!;
        Assert.Equal("tinv", ok.GetTagItem("edgegateway.api.id"));
        Assert.Equal("gold", ok.GetTagItem("edgegateway.product.id"));
        Assert.Equal("sub-1", ok.GetTagItem("edgegateway.subscription.id"));
        Assert.Equal("gw-tel", ok.GetTagItem("edgegateway.gateway.id"));
        Assert.Equal(7L, ok.GetTagItem("edgegateway.config.revision"));
        Assert.Equal(backend.Urls.First() + "/v2", ok.GetTagItem("edgegateway.backend.destination"));
        Assert.Equal(200, ok.GetTagItem("http.response.status_code"));
        Assert.DoesNotContain(ok.TagObjects, t => t.Value is string s && s.Contains("k-secret-123", StringComparison.Ordinal));
        Assert.NotEqual(ActivityStatusCode.Error, ok.Status);

        // The backend call is a child span, and its traceparent is what the backend got.
        var child = probe.Spans.Single(s => s.Source.Name == "System.Net.Http" && s.ParentSpanId == ok.SpanId);
        Assert.Equal($"00-{ok.TraceId}-{child.SpanId}-01", traceparents["/v2/items"]);

        var limited = Server("limited")!;
        Assert.Equal(429, limited.GetTagItem("http.response.status_code"));
        var limitEvent = Assert.Single(limited.Events);
        Assert.Equal("rate-limit", limitEvent.Name);
        Assert.Equal("RateLimitExceeded", limitEvent.Tags.Single(t => t.Key == "edgegateway.error.reason").Value);
        Assert.Equal("inbound", limitEvent.Tags.Single(t => t.Key == "edgegateway.policy.section").Value);

        var noKey = Server("nokey")!;
        Assert.Equal("subscription", Assert.Single(noKey.Events).Name);
        Assert.Null(noKey.GetTagItem("edgegateway.product.id"));
        Assert.Equal("validate-jwt", Assert.Single(Server("jwt")!.Events).Name);

        var dead = Server("dead")!;
        Assert.Equal(ActivityStatusCode.Error, dead.Status);
        Assert.Equal(502, dead.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task AcceptIncoming_True_JoinsTheClientsTrace_False_StartsANewOne()
    {
        using (var joined = new HttpRequestMessage(HttpMethod.Get, "/tinv/joined"))
        {
            joined.Headers.Add("Ocp-Apim-Subscription-Key", "k-secret-123");
            joined.Headers.Add("traceparent", ClientTraceparent);
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(joined)).StatusCode);
        }

        using var other = notAccepting.Server.CreateClient();
        using (var fresh = new HttpRequestMessage(HttpMethod.Get, "/tinv/fresh"))
        {
            fresh.Headers.Add("Ocp-Apim-Subscription-Key", "k-secret-123");
            fresh.Headers.Add("traceparent", ClientTraceparent);
            Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(fresh)).StatusCode);
        }

        var accepted = traceparents["/v2/joined"].Split('-');
        Assert.Equal(ClientTraceId, accepted[1]);
        Assert.NotEqual(ClientSpanId, accepted[2]); // the gateway's span is the backend's parent, not the client's

        var replaced = traceparents["/v2/fresh"].Split('-');
        Assert.Equal(4, replaced.Length);
        Assert.NotEqual(ClientTraceId, replaced[1]);
        // The gateway's server span is the root of the new trace (the backend's own server span is its grandchild).
        await Eventually(() => probe.Spans.Any(a => a.Source.Name == "Microsoft.AspNetCore" && a.TraceId.ToHexString() == replaced[1] && a.ParentSpanId == default));
    }

    [Fact]
    public async Task AccessLog_OneJsonLinePerRequest_WithoutTheKey_CorrelatedWithTheTrace()
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/tinv/logged?subscription-key=k-secret-123&page=2")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync("/tdead/logged")).StatusCode);

        await Eventually(() => accepting.Lines.Any(l => l.Contains("/tdead/logged", StringComparison.Ordinal)));
        var lines = accepting.Lines;
        Assert.DoesNotContain(lines, l => l.Contains("k-secret-123", StringComparison.Ordinal));
        var ok = JsonDocument.Parse(lines.Single(l => l.Contains("/tinv/logged", StringComparison.Ordinal))).RootElement;
        Assert.Equal("http://localhost/tinv/logged?page=2", ok.GetProperty("Url").GetString());
        Assert.Equal("tinv", ok.GetProperty("ApiId").GetString());
        Assert.Equal("gold", ok.GetProperty("ProductId").GetString());
        Assert.Equal("sub-1", ok.GetProperty("ApimSubscriptionId").GetString());
        Assert.Equal("GET", ok.GetProperty("Method").GetString());
        Assert.Equal(200, ok.GetProperty("ResponseCode").GetInt32());
        Assert.Equal(200, ok.GetProperty("BackendResponseCode").GetInt32());
        Assert.Equal(backend.Urls.First() + "/v2", ok.GetProperty("BackendUrl").GetString());
        Assert.True(ok.GetProperty("IsRequestSuccess").GetBoolean());
        Assert.Equal("gw-tel", ok.GetProperty("GatewayId").GetString());
        Assert.Equal("HTTP/1.1", ok.GetProperty("ClientProtocol").GetString());
        Assert.Equal(traceparents["/v2/logged"].Split('-')[1], ok.GetProperty("CorrelationId").GetString());
        Assert.True(ok.GetProperty("TotalTime").GetInt64() >= 0);
        Assert.False(ok.TryGetProperty("LastErrorReason", out _));

        var failed = JsonDocument.Parse(lines.Single(l => l.Contains("/tdead/logged", StringComparison.Ordinal))).RootElement;
        Assert.Equal(502, failed.GetProperty("ResponseCode").GetInt32());
        Assert.Equal("BackendConnectionFailure", failed.GetProperty("LastErrorReason").GetString());
        Assert.Equal("forward-request", failed.GetProperty("LastErrorSource").GetString());
        Assert.False(failed.GetProperty("IsRequestSuccess").GetBoolean());
        Assert.False(failed.TryGetProperty("BackendResponseCode", out _));
    }

    [Fact]
    public async Task AccessLog_SampleRatioZero_StillLogsA5xx()
    {
        using var other = notAccepting.Server.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/tlimited/sampled-out")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await other.GetAsync("/tdead/sampled-in")).StatusCode);

        await Eventually(() => ignoring.Lines.Any(l => l.Contains("/tdead/sampled-in", StringComparison.Ordinal)));
        Assert.DoesNotContain(ignoring.Lines, l => l.Contains("sampled-out", StringComparison.Ordinal));
    }

    /// <summary>The known sequence; each call carries a trace id of its own (AcceptIncoming is on), to find its server span by.</summary>
    private async Task Sequence()
    {
        await Send("ok", "/tinv/items", "k-secret-123", HttpStatusCode.OK);
        await Send("nokey", "/tinv/items", null, HttpStatusCode.Unauthorized);
        await Send("first", "/tlimited/x", null, HttpStatusCode.OK);
        await Send("limited", "/tlimited/x", null, HttpStatusCode.TooManyRequests);
        await Send("dead", "/tdead/x", null, HttpStatusCode.BadGateway);
        await Send("jwt", "/tjwt/x", null, HttpStatusCode.Unauthorized);
    }

    private async Task Send(string label, string path, string? key, HttpStatusCode expected)
    {
        var traceId = ActivityTraceId.CreateRandom();
        sent[label] = traceId;
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{traceId}-{ClientSpanId}-01");
        if (key is not null)
        {
            request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        }

        Assert.Equal(expected, (await client.SendAsync(request)).StatusCode);
    }

    private Activity? Server(string label) =>
        probe.Spans.SingleOrDefault(s => s.Source.Name == "Microsoft.AspNetCore" && s.TraceId == sent[label] && s.ParentSpanId.ToHexString() == ClientSpanId);

    private static Dictionary<string, string> Tags(params (string Key, string Value)[] tags) => tags.ToDictionary(t => t.Key, t => t.Value);

    private static async Task Eventually(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "the condition did not hold within the deadline");
            await Task.Delay(20);
        }
    }
}
