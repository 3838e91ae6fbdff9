using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

namespace EdgeGateway.EndToEnd.Tests.Telemetry;

/// <summary>
/// Telemetry never hurts serving (AOT gateway): with every collector unreachable, or one that accepts exports and never
/// answers, every request still succeeds; while a collector hangs, the span queue drops instead of growing (what reaches
/// the collector once it recovers is bounded by OTEL_BSP_MAX_QUEUE_SIZE, not by the traffic); and SIGTERM still ends the
/// process: the flush gives up after Telemetry:ShutdownTimeout instead of waiting out the export timeout.
/// </summary>
public sealed class CollectorDownTests
{
    private const int Requests = 2000;

    /// <summary>The span queue bound set in the hanging-collector test (OTel's default batch is 512 spans).</summary>
    private const int SpanQueue = 512;

    /// <summary>OTel's default OTEL_BSP_MAX_EXPORT_BATCH_SIZE: at most one such batch is in flight (held) besides the queue.</summary>
    private const int SpanBatch = 512;

    [Fact]
    public async Task CollectorsUnreachable_EveryRequestSucceeds()
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

        // Every export fails at once here (a closed port), so the queues never fill: the bound on what is kept is
        // checked in the hanging-collector test below, where they do.
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/healthz/ready")).StatusCode);
    }

    [Fact]
    public async Task CollectorHangs_EveryRequestSucceeds_QueueDropsInsteadOfGrowing_SigtermExitsAfterTheFlushBound()
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
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = SpanQueue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile,
            ["--Gateway:ShutdownTimeout=00:00:01", "--Telemetry:ShutdownTimeout=00:00:02"], env);
        await ExportScenario.ExportingAsync(gateway);

        // Two spans per request (the gateway's server span and its backend call): 4000 spans while the collector hangs.
        // The exporter has one batch in flight (held) and keeps at most the queue's bound besides; the rest is dropped.
        await SendAllAsync(gateway);
        await receiver.WaitForAsync(r => r.HeldCount >= 1, "an export held by the hanging collector");
        receiver.Release();

        // A marker request after the release: once its span arrives, everything queued before it has been exported (the
        // queue is first in, first out). A marker that found the queue still full is dropped, so send another.
        var markers = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!receiver.Spans.Any(IsMarker))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no marker span arrived within 60 s of the release: {receiver.Spans.Count} spans");
            using var marker = await gateway.Client.GetAsync($"/echo/marker-{markers++}");
            Assert.Equal(HttpStatusCode.OK, marker.StatusCode);
            try
            {
                await receiver.WaitForSpanAsync(IsMarker, "a marker span", TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                // dropped (the queue was still full) or not exported yet: the loop sends another
            }
        }

        var markerTraces = receiver.Spans.Where(IsMarker).Select(s => s.TraceId).ToHashSet();
        var kept = receiver.Spans.Count(s => !markerTraces.Contains(s.TraceId));
        Assert.True(kept > 0, "nothing that was queued while the collector hung arrived after it recovered");
        Assert.True(kept <= SpanQueue + SpanBatch, $"{kept} of the {2 * Requests} spans (two per request) made while the collector hung arrived after it recovered: "
            + $"the exporter kept more than its queue bound ({SpanQueue}) plus one batch in flight ({SpanBatch})");

        // The collector hangs again: a stop must not wait for it.
        receiver.Hang = true;
        var held = receiver.HeldCount;
        await SendAllAsync(gateway, 300);
        await receiver.WaitForAsync(r => r.HeldCount > held, "an export held by the hanging collector again");

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

    private static bool IsMarker(ReceivedSpan span) =>
        span.Attributes.Values.Values.Any(v => OtlpAttributes.Text(v)?.Contains("/echo/marker-", StringComparison.Ordinal) == true);
}
