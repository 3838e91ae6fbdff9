using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

namespace EdgeGateway.EndToEnd.Tests.Telemetry;

/// <summary>
/// The AOT gateway and plane export to a real OTLP receiver (HTTP/protobuf and gRPC, decoded by the test): the gateway's
/// server span is the parent of its backend call's client span, the backend receives that client span as its
/// <c>traceparent</c>, the request metrics arrive with their attributes, and a log written inside a request carries its trace id.
/// </summary>
public sealed class OtlpExportTests
{
    [Theory]
    [InlineData("http/protobuf")]
    [InlineData("grpc")]
    public async Task Gateway_ExportsLinkedSpans_Metrics_AndLogsWithTraceIds(string protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var backend = await TestBackend.StartAsync();
        using var folder = new ConfigFolder();
        folder.Write(ExportScenario.Config(backend.Url));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: ExportScenario.Fast(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
        }));
        await gateway.PrintedAsync($"[440] Telemetry export: OTLP {protocol} (traces, metrics, logs to");

        using var ok = await gateway.Client.GetAsync("/echo/items");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var (traceId, backendParent) = ExportScenario.Parse((await Echo.ReadAsync(ok)).Headers["traceparent"]);
        using var dead = await gateway.Client.GetAsync("/dead/x");
        Assert.Equal(HttpStatusCode.BadGateway, dead.StatusCode);

        var server = await receiver.WaitForSpanAsync(s => s.TraceId == traceId && s.Kind == "server", "the gateway's server span");
        var client = await receiver.WaitForSpanAsync(s => s.TraceId == traceId && s.Kind == "client", "the backend call's client span");
        Assert.Equal(server.SpanId, client.ParentSpanId);
        Assert.Equal(client.SpanId, backendParent); // what the backend received is the client span: its own spans join the trace
        Assert.Equal("echo", server.Attributes["edgegateway.api.id"]);
        Assert.Equal("GET", server.Attributes["http.request.method"]);
        Assert.Equal("200", server.Attributes["http.response.status_code"]);
        Assert.Equal("edgegateway", server.Resource["service.name"]);
        Assert.NotNull(server.Resource["service.instance.id"]);

        var failed = await receiver.WaitForSpanAsync(s => s.Kind == "server" && s.Attributes["edgegateway.api.id"] == "dead", "the 502's server span");
        Assert.Equal("502", failed.Attributes["http.response.status_code"]);
        Assert.Equal("error", failed.StatusCode);
        var log = await receiver.WaitForLogAsync(l => l.TraceId == failed.TraceId, "the backend failure's warning, inside the request's trace");
        Assert.Equal(failed.SpanId, log.SpanId);
        Assert.True(log.SeverityNumber >= 13, log.ToString()); // Warning

        await receiver.WaitForMetricAsync("edgegateway.requests", m =>
            m.Total(("edgegateway.api.id", "echo"), ("edgegateway.status_class", "2xx")) >= 1
            && m.Total(("edgegateway.api.id", "dead"), ("edgegateway.status_class", "5xx")) >= 1);
        await receiver.WaitForMetricAsync("edgegateway.request.duration", m => m.Total() >= 2);
        await receiver.WaitForLogAsync(l => l.Body?.Contains("EdgeGateway listening on", StringComparison.Ordinal) == true, "the start-up line");

        Assert.Empty(receiver.Rejected);
        Assert.All(receiver.Exports, e => Assert.Equal(protocol == "grpc" ? "grpc" : "http", e.Transport));
    }

    [Fact]
    public async Task Plane_ExportsItsSpansAndMetrics_UnderItsServiceName_WithHeadersNeverLogged()
    {
        const string Token = "otlp-header-secret-0451";
        await using var receiver = await OtlpReceiver.StartAsync();
        using var folder = new ConfigFolder();
        await using var plane = await ManagementPlaneProcess.StartAsync(folder.Path, env: ExportScenario.Fast(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.HttpEndpoint,
            ["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-collector-token={Token}",
        }));
        await ExportScenario.ExportingAsync(plane);

        using var gateways = await plane.Admin.GetAsync("/gateways");
        Assert.Equal(HttpStatusCode.OK, gateways.StatusCode);

        var span = await receiver.WaitForSpanAsync(s => s.Kind == "server" && s.Attributes["url.path"] == "/gateways", "the plane's server span");
        Assert.Equal("edgegateway-management", span.Resource["service.name"]);
        Assert.Equal("200", span.Attributes["http.response.status_code"]);
        await receiver.WaitForMetricAsync("http.server.request.duration", m => m.Resource["service.name"] == "edgegateway-management" && m.Total() >= 1);
        await receiver.WaitForLogAsync(l => l.Body?.Contains("Telemetry export", StringComparison.Ordinal) == true, "the plane's start-up line");
        Assert.Contains(receiver.Exports, e => e.Headers.TryGetValue("x-collector-token", out var v) && v == Token);
        Assert.Contains("[1400]", plane.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, plane.Output, StringComparison.Ordinal);
    }
}
