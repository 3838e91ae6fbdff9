using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

namespace EdgeGateway.EndToEnd.Tests.Telemetry;

/// <summary>
/// One sampler decides for every exporter: Azure Monitor's exporter would otherwise install its own for the whole tracer
/// provider, OTLP's spans included. With <c>parentbased_always_on</c> every request of a burst reaches both backends; at
/// the default (5 new traces a second) a few do, the same ones at both, each saying the share kept, while the metrics still
/// count every request.
/// </summary>
public sealed class AzureMonitorSamplingTests
{
    private const int Burst = 50;

    [Fact]
    public async Task AzureMonitorAndOtlp_EveryRequestOfABurst_ReachesBoth()
    {
        await using var stack = await BothExporters.StartAsync("parentbased_always_on");
        var (azure, otlp, gateway) = (stack.Azure, stack.Otlp, stack.Gateway);
        await ExportScenario.ExportingAsync(gateway);

        var answers = await Task.WhenAll(Enumerable.Range(0, Burst).Select(async i =>
        {
            using var response = await gateway.Client.GetAsync($"/echo/burst/{i}");
            return response.StatusCode;
        }));
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));

        await otlp.WaitForSpansAsync(spans => ServerSpans(spans) == Burst, $"all {Burst} server spans at the OTLP receiver", TimeSpan.FromSeconds(60));
        await azure.WaitForAllAsync(items => Requests(items) == Burst, $"all {Burst} requests at the Azure Monitor stand-in", TimeSpan.FromSeconds(60));
        Assert.Empty(azure.Rejected);
        Assert.Empty(otlp.Rejected);
    }

    [Fact]
    public async Task DefaultSampler_AFewTracesOfABurst_TheSameAtBoth_MetricsCountAll()
    {
        const int Requests = 200;
        await using var stack = await BothExporters.StartAsync(sampler: ""); // unset: the default
        var (azure, otlp, gateway) = (stack.Azure, stack.Otlp, stack.Gateway);
        await gateway.PrintedAsync("traces sampled: parent-based, 5 new traces/s");

        for (var i = 0; i < Requests; i++)
        {
            using var response = await gateway.Client.GetAsync($"/echo/burst/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await otlp.WaitForMetricAsync("edgegateway.requests", m => m.Total(("edgegateway.api.id", "echo")) >= Requests);

        // A stop flushes what is queued: after it, both receivers hold every span the gateway kept.
        gateway.SendSigterm();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var kept = otlp.Spans.Where(s => s.Kind == "server" && s.Attributes["edgegateway.api.id"] == "echo").ToList();
        Assert.InRange(kept.Count, 1, Requests - 1); // at most 10 a second: 200 requests would have to take 20 s to all be kept
        Assert.All(kept, s => Assert.True(s.Attributes.Has("microsoft.sample_rate"), s.ToString()));
        var atAzure = azure.Items.Where(i => i.Name == "Request" && i.Property("edgegateway.api.id") == "echo").Select(i => i.OperationId ?? "").ToHashSet();
        Assert.Equal(kept.Select(s => s.TraceId).ToHashSet(), atAzure);
    }

    /// <summary>Both receivers, a backend and the AOT gateway exporting to both with the given OTEL_TRACES_SAMPLER.</summary>
    private sealed class BothExporters : IAsyncDisposable
    {
        private readonly TestBackend backend;
        private readonly ConfigFolder folder;

        private BothExporters(AzureMonitorReceiver azure, OtlpReceiver otlp, TestBackend backend, ConfigFolder folder, GatewayProcess gateway)
        {
            (Azure, Otlp, this.backend, this.folder, Gateway) = (azure, otlp, backend, folder, gateway);
        }

        public AzureMonitorReceiver Azure { get; }

        public OtlpReceiver Otlp { get; }

        public GatewayProcess Gateway { get; }

        public static async Task<BothExporters> StartAsync(string sampler)
        {
            var azure = await AzureMonitorReceiver.StartAsync();
            var otlp = await OtlpReceiver.StartAsync();
            var backend = await TestBackend.StartAsync();
            var folder = new ConfigFolder();
            folder.Write(ExportScenario.Config(backend.Url));
            var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: ExportScenario.Fast(new()
            {
                ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = azure.ConnectionString,
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.HttpEndpoint,
                ["OTEL_TRACES_SAMPLER"] = sampler,
            }));
            return new BothExporters(azure, otlp, backend, folder, gateway);
        }

        public async ValueTask DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await backend.DisposeAsync();
            await Otlp.DisposeAsync();
            await Azure.DisposeAsync();
            folder.Dispose();
        }
    }

    private static int ServerSpans(IReadOnlyList<ReceivedSpan> spans) =>
        spans.Count(s => s.Kind == "server" && s.Attributes["edgegateway.api.id"] == "echo");

    private static int Requests(IReadOnlyList<AzureMonitorItem> items) =>
        items.Count(i => i.Name == "Request" && i.Property("edgegateway.api.id") == "echo");
}
