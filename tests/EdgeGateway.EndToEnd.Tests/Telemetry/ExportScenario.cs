using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests.Telemetry;

/// <summary>
/// What the exporter tests share: a config with an API that reaches a backend (<c>echo</c>) and one whose backend is
/// down (<c>dead</c>: a 502 and a warning log inside the request), and the standard OpenTelemetry settings that make the
/// exporters flush within a second instead of minutes (the tests then wait on what the receiver has, never on time).
/// </summary>
internal static class ExportScenario
{
    public static string Config(string backendUrl) => $$"""
        { "schemaVersion": 1, "revision": 7,
          "apis": [
            { "id": "echo", "path": "/echo", "subscriptionRequired": false, "backend": { "urls": ["{{backendUrl}}"] } },
            { "id": "dead", "path": "/dead", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] } } ] }
        """;

    public static Dictionary<string, string> Fast(Dictionary<string, string> exporters)
    {
        var env = new Dictionary<string, string>
        {
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true",
        };

        foreach (var (key, value) in exporters)
        {
            env[key] = value;
        }

        // Every request traced (the default keeps 5 new traces per second): these tests follow particular requests.
        env.TryAdd("OTEL_TRACES_SAMPLER", "parentbased_always_on");
        return env;
    }

    /// <summary>
    /// Waits for the start-up line that says the exporters are built (they are built once the server listens, so requests
    /// answered before it are not in the telemetry).
    /// </summary>
    public static Task ExportingAsync(GatewayProcess gateway) => gateway.PrintedAsync("[440] Telemetry export:");

    /// <summary>The plane's line for the same (event 1400).</summary>
    public static async Task ExportingAsync(ManagementPlaneProcess plane)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!plane.Output.Contains("[1400]", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the plane did not say it exports within 60 s:\n{plane.Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>The trace id and parent span id of a W3C <c>traceparent</c> (<c>00-TRACE-SPAN-FLAGS</c>).</summary>
    public static (string TraceId, string SpanId) Parse(string traceparent)
    {
        var parts = traceparent.Split('-');
        Assert.Equal(4, parts.Length);
        return (parts[1], parts[2]);
    }
}
