using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

namespace EdgeGateway.EndToEnd.Tests.Telemetry;

/// <summary>
/// A per-signal OTLP endpoint alone (a common Tempo or Grafana Cloud set-up) is used as is: the .NET exporter ignores
/// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT on its AddOtlpExporter path and would send to localhost:4318 instead.
/// Only that signal is exported: no metrics or logs export is attempted.
/// </summary>
public sealed class OtlpSignalEndpointTests
{
    [Fact]
    public async Task TracesEndpointOnly_SpansArriveThere_AndNothingElseIsExported()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var backend = await TestBackend.StartAsync();
        using var folder = new ConfigFolder();
        folder.Write(ExportScenario.Config(backend.Url));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: ExportScenario.Fast(new()
        {
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = $"{receiver.HttpEndpoint}/v1/traces",
        }));
        await gateway.PrintedAsync($"[440] Telemetry export: OTLP http/protobuf (traces to {receiver.HttpEndpoint})");

        using var ok = await gateway.Client.GetAsync("/echo/one");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var (traceId, _) = ExportScenario.Parse((await Echo.ReadAsync(ok)).Headers["traceparent"]);

        await receiver.WaitForSpanAsync(s => s.TraceId == traceId && s.Kind == "server", "the request's server span", TimeSpan.FromSeconds(60));
        Assert.All(receiver.Exports, e => Assert.Equal("traces", e.Signal));
        Assert.Empty(receiver.Rejected);
    }
}
