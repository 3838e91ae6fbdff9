using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

namespace EdgeGateway.EndToEnd.Tests.Telemetry;

/// <summary>
/// Telemetry:RecordFromFirstRequest: by default the exporters are built once the server listens (the start is not
/// delayed, the first moments are not recorded); with it on they are built first, so the request that woke a
/// scale-to-zero instance is traced like any other. The order of the two start-up lines shows which happened.
/// </summary>
public sealed class RecordFromFirstRequestTests
{
    private const string ExportLine = "[440] Telemetry export: OTLP";
    private const string ListeningLine = "EdgeGateway listening on";

    [Fact]
    public async Task On_ExportersBuiltBeforeListening_AndTheFirstRequestIsTraced()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var backend = await TestBackend.StartAsync();
        using var folder = new ConfigFolder();
        folder.Write(ExportScenario.Config(backend.Url));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: ExportScenario.Fast(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.HttpEndpoint,
            ["Telemetry__RecordFromFirstRequest"] = "true",
        }));

        // No waiting for the export line: the first proxied request, as soon as the gateway answers at all.
        using var first = await gateway.Client.GetAsync("/echo/first");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var (traceId, _) = ExportScenario.Parse((await Echo.ReadAsync(first)).Headers["traceparent"]);
        await receiver.WaitForSpanAsync(s => s.TraceId == traceId && s.Kind == "server", "the first request's server span", TimeSpan.FromSeconds(60));

        var output = gateway.Output;
        Assert.True(output.IndexOf(ExportLine, StringComparison.Ordinal) is var export && export >= 0, output);
        Assert.True(export < output.IndexOf(ListeningLine, StringComparison.Ordinal), $"the export line should come before listening:\n{output}");
    }

    [Fact]
    public async Task Off_ExportersBuiltAfterListening()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var backend = await TestBackend.StartAsync();
        using var folder = new ConfigFolder();
        folder.Write(ExportScenario.Config(backend.Url));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: ExportScenario.Fast(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.HttpEndpoint,
        }));
        await gateway.PrintedAsync(ExportLine);

        var output = gateway.Output;
        var listening = output.IndexOf(ListeningLine, StringComparison.Ordinal);
        Assert.True(listening >= 0, output);
        Assert.True(listening < output.IndexOf(ExportLine, StringComparison.Ordinal), $"the export line should come after listening:\n{output}");
    }
}
