using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

namespace EdgeGateway.EndToEnd.Tests.Telemetry;

/// <summary>
/// Azure Monitor's exporter would sample the whole tracer provider down to 5 traces per second (its 1.10.0 default),
/// OTLP's spans included: with both on, every request of a burst must reach both backends (the standard
/// OTEL_TRACES_SAMPLER, default parentbased_always_on, decides for every exporter).
/// </summary>
public sealed class AzureMonitorSamplingTests
{
    private const int Burst = 50;

    [Fact]
    public async Task AzureMonitorAndOtlp_EveryRequestOfABurst_ReachesBoth()
    {
        await using var azure = await AzureMonitorReceiver.StartAsync();
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var backend = await TestBackend.StartAsync();
        using var folder = new ConfigFolder();
        folder.Write(ExportScenario.Config(backend.Url));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: ExportScenario.Fast(new()
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = azure.ConnectionString,
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = $"{otlp.HttpEndpoint}/v1/traces",
        }));
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

    private static int ServerSpans(IReadOnlyList<ReceivedSpan> spans) =>
        spans.Count(s => s.Kind == "server" && s.Attributes["edgegateway.api.id"] == "echo");

    private static int Requests(IReadOnlyList<AzureMonitorItem> items) =>
        items.Count(i => i.Name == "Request" && i.Property("edgegateway.api.id") == "echo");
}
