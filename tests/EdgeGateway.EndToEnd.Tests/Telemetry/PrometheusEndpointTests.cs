using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

namespace EdgeGateway.EndToEnd.Tests.Telemetry;

/// <summary>
/// Telemetry:Prometheus:Enabled through the AOT gateway: <c>/metrics</c> parses as Prometheus text and its counters match
/// a known sequence (a 200, a 401 for a missing key, a 429 from rate-limit-by-key, a backend's 502); it is served on the
/// admin listener when there is one (the public listener answers 404), else on the main listener.
/// </summary>
public sealed class PrometheusEndpointTests
{
    private const string Key = "prometheus-e2e-key-0123456789";

    [Fact]
    public async Task AdminListener_CountsAKnownSequence_PublicListenerAnswers404()
    {
        await using var backend = await TestBackend.StartAsync();
        using var folder = new ConfigFolder();
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 3,
              "apis": [
                { "id": "open", "path": "/open", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] } },
                { "id": "keyed", "path": "/keyed", "subscriptionRequired": true, "backend": { "urls": ["{{backend.Url}}"] } },
                { "id": "limited", "path": "/limited", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
                  "policies": { "inbound": [ { "type": "rate-limit-by-key", "calls": 1, "renewalPeriod": 1000000000, "counterKey": "everyone" } ] } },
                { "id": "dead", "path": "/dead", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] } } ],
              "subscriptions": [ { "id": "sub-prom", "scope": "apis/keyed", "primaryKey": "{{Key}}" } ] }
            """);
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, ["--Telemetry:Prometheus:Enabled=true"]);
        await ExportScenario.ExportingAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/open/a")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Client.GetAsync("/keyed/a")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/limited/a")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await gateway.Client.GetAsync("/limited/a")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await gateway.Client.GetAsync("/dead/a")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync("/metrics")).StatusCode);
        using (var response = await gateway.Admin.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }

        // The counters are recorded once a response is complete, so a client can hold the last answer a moment before
        // they move: scrape until all five requests are counted, then check how they are broken down.
        var metrics = await ScrapeUntilAsync(gateway.Admin, m => m.Sum("edgegateway_requests_total") >= 5 && m.Sum("edgegateway_request_duration_seconds_count") >= 5);

        Assert.Equal("counter", metrics.Family("edgegateway_requests_total")?.Type);
        Assert.Equal(1, Requests(metrics, "open", "2xx"));
        Assert.Equal(1, Requests(metrics, "keyed", "4xx"));
        Assert.Equal(1, Requests(metrics, "limited", "2xx"));
        Assert.Equal(1, Requests(metrics, "limited", "4xx"));
        Assert.Equal(1, Requests(metrics, "dead", "5xx"));
        Assert.Equal(5, metrics.Sum("edgegateway_requests_total"));
        Assert.Equal(1, metrics.Sum("edgegateway_rejections_total", ("edgegateway_api_id", "keyed"), ("edgegateway_rejection_reason", "subscription_key")));
        Assert.Equal(1, metrics.Sum("edgegateway_rejections_total", ("edgegateway_api_id", "limited"), ("edgegateway_rejection_reason", "rate_limit")));
        Assert.Equal(5, metrics.Sum("edgegateway_request_duration_seconds_count"));
        Assert.Equal("histogram", metrics.Family("edgegateway_backend_duration_seconds")?.Type);
        Assert.NotNull(metrics.Family("kestrel_active_connections"));

        // Not ASP.NET Core's nor HttpClient's request durations: edgegateway_request_duration_seconds and
        // edgegateway_backend_duration_seconds measure the same, by API and product, without paying twice per request.
        Assert.Null(metrics.Family("http_server_request_duration_seconds"));
        Assert.Null(metrics.Family("http_client_request_duration_seconds"));
        Assert.NotNull(metrics.Family("dotnet_gc_collections_total"));
        Assert.Contains(metrics.Find("target_info"), s => s["service_name"] == "edgegateway");
    }

    [Fact]
    public async Task NoAdminListener_ServedOnTheMainListener()
    {
        await using var backend = await TestBackend.StartAsync();
        using var folder = new ConfigFolder();
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "open", "path": "/open", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] } } ] }
            """);
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, ["--Telemetry:Prometheus:Enabled=true", "--Gateway:AdminUrls="]);
        await ExportScenario.ExportingAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/open/a")).StatusCode);
        var metrics = await ScrapeUntilAsync(gateway.Client, m => m.Sum("edgegateway_requests_total") >= 1);
        Assert.Equal(1, Requests(metrics, "open", "2xx"));
    }

    /// <summary>GET /metrics until <paramref name="done"/> holds (30 s at most): the scrape that satisfied it.</summary>
    private static async Task<PrometheusText> ScrapeUntilAsync(HttpClient client, Func<PrometheusText, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var metrics = PrometheusText.Parse(await client.GetStringAsync("/metrics"));
            if (done(metrics) || DateTime.UtcNow > deadline)
            {
                return metrics; // past the deadline, the asserts that follow say what is missing
            }

            await Task.Delay(50);
        }
    }

    private static double Requests(PrometheusText metrics, string api, string statusClass) =>
        metrics.Sum("edgegateway_requests_total", ("edgegateway_api_id", api), ("edgegateway_status_class", statusClass));
}
