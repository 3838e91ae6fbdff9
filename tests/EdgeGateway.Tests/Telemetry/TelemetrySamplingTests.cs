using System.Diagnostics;
using EdgeGateway.Telemetry.Export;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>
/// With Azure Monitor on, the provider's sampler is still ours: Azure Monitor's exporter (1.10.0) would otherwise install
/// its own rate limiter for the whole provider, OTLP included, and ignore OTEL_TRACES_SAMPLER.
/// </summary>
public sealed class TelemetrySamplingTests
{
    private const int Burst = 1000;

    [Fact]
    public async Task AzureMonitorOn_ParentBasedAlwaysOn_RecordsEveryTraceOfABurst()
    {
        var recorded = await BurstAsync("TelemetrySamplingTests.Burst", sampler: "parentbased_always_on");
        Assert.Equal(Burst, recorded);
    }

    [Fact]
    public async Task Default_KeepsAFewTracesOfABurst_NotAll()
    {
        // At most 10 a second (twice the 5/s target); the burst would have to last 100 seconds to keep them all.
        var recorded = await BurstAsync("TelemetrySamplingTests.Default", sampler: null);
        Assert.InRange(recorded, 1, Burst - 1);
    }

    [Fact]
    public async Task AzureMonitorOn_OtelTracesSamplerAlwaysOff_Wins()
    {
        var recorded = await BurstAsync("TelemetrySamplingTests.Off", sampler: "always_off");
        Assert.Equal(0, recorded);
    }

    private static async Task<int> BurstAsync(string source, string? sampler)
    {
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        var values = new Dictionary<string, string?>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:9/",
        };
        if (sampler is not null)
        {
            values["OTEL_TRACES_SAMPLER"] = sampler;
        }

        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var settings = TelemetryExportSettings.Read(config) with { ShutdownTimeout = TimeSpan.FromSeconds(2) };
        var export = TelemetryExport.Create(settings, new TelemetryIdentity("test", "1.0.0", "i", null), config, new NoLogging(), [source], ["unused"])!;
        var failed = new List<string>();
        var ready = new TaskCompletionSource();
        export.StartBuilding(() => ready.SetResult(), failed.Add);
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Empty(failed);
        using var activities = new ActivitySource(source);
        var recorded = 0;
        for (var i = 0; i < Burst; i++)
        {
            using var activity = activities.StartActivity("burst", ActivityKind.Server);
            recorded += activity?.Recorded == true ? 1 : 0;
        }

        export.Shutdown();
        return recorded;
    }

    private sealed class NoLogging : ILoggingBuilder
    {
        public Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; } = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
    }
}
