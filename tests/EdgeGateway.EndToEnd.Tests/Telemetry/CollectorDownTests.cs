using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

namespace EdgeGateway.EndToEnd.Tests.Telemetry;

/// <summary>
/// Telemetry never hurts serving (AOT gateway): with every collector unreachable, or one that accepts exports and never
/// answers, every request still succeeds, memory stays bounded (the exporters' queues drop rather than grow), and SIGTERM
/// still ends the process: the flush gives up after Telemetry:ShutdownTimeout instead of waiting out the export timeout.
/// </summary>
public sealed class CollectorDownTests
{
    private const int Requests = 2000;

    [Fact]
    public async Task CollectorsUnreachable_EveryRequestSucceeds_MemoryStaysBounded()
    {
        await using var backend = await TestBackend.StartAsync();
        using var folder = new ConfigFolder();
        folder.Write(ExportScenario.Config(backend.Url));
        var down = DownEndpoint.Create();
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: ExportScenario.Fast(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = down,
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = $"InstrumentationKey=00000000-0000-0000-0000-00000000d0e1;IngestionEndpoint={down}/",
        }));
        await ExportScenario.ExportingAsync(gateway);

        await SendAllAsync(gateway);

        // Spans, logs and metrics for 2000 requests were all refused by the collector: what is kept is bounded by the
        // queues (2048 spans, 2048 log records), not by the traffic. 250 MB is far above the gateway's ~40-70 MB.
        var rss = ResidentMegabytes(gateway.ProcessId);
        Assert.True(rss < 250, $"RSS {rss} MB after {Requests} requests with the collectors down");
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/healthz/ready")).StatusCode);
    }

    [Fact]
    public async Task CollectorHangs_EveryRequestSucceeds_SigtermExitsAfterTheFlushBound()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.Hang = true;
        await using var backend = await TestBackend.StartAsync();
        using var folder = new ConfigFolder();
        folder.Write(ExportScenario.Config(backend.Url));
        var env = ExportScenario.Fast(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.HttpEndpoint,
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "600000", // an export may hang for 10 minutes: only our flush bound ends the stop
        });
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile,
            ["--Gateway:ShutdownTimeout=00:00:01", "--Telemetry:ShutdownTimeout=00:00:02"], env);
        await ExportScenario.ExportingAsync(gateway);

        await SendAllAsync(gateway, 300);
        await receiver.WaitForAsync(r => r.HeldCount >= 1, "an export held by the hanging collector");

        gateway.SendSigterm();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60))); // far below the 10-minute export timeout
        Assert.Contains("[111] EdgeGateway stopped", gateway.Output, StringComparison.Ordinal);
    }

    private static async Task SendAllAsync(GatewayProcess gateway, int count = Requests)
    {
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        for (var batch = 0; batch < count; batch += 20)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(batch, 20).Select(async i =>
            {
                using var response = await client.GetAsync($"/echo/{i}");
                return response.StatusCode;
            }));
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        }
    }

    private static long ResidentMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }
}
