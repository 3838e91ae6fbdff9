using System.Diagnostics.Metrics;
using System.Net;
using EdgeGateway.Sync;
using EdgeGateway.Tests.Sync;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>
/// <c>edgegateway.sync.failures</c> and <c>edgegateway.heartbeat.failures</c> count where the loops fail. The counters are
/// process-wide; only measurements made in this test's own async flow are kept (other tests' loops run in parallel).
/// </summary>
public sealed class SyncTelemetryTests
{
    private static readonly AsyncLocal<bool> Mine = new();

    [Fact]
    public async Task FailedPollsAndHeartbeats_AreCounted_WithTheGatewayId()
    {
        using var sync = new SyncHarness();
        sync.Heartbeat = _ => Task.FromResult(HttpStatusCode.ServiceUnavailable);
        var seen = new List<(string Name, long Value, string? Gateway)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EdgeGateway.Sync")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) =>
        {
            if (Mine.Value)
            {
                string? gateway = null;
                foreach (var tag in tags)
                {
                    gateway = tag.Key == "edgegateway.gateway.id" ? tag.Value as string : gateway;
                }

                lock (seen)
                {
                    seen.Add((i.Name, v, gateway));
                }
            }
        });
        listener.Start();
        Mine.Value = true;

        sync.Loop.Record(new PollOutcome(PollResult.Unreachable, "Connection refused"));
        sync.Loop.Record(new PollOutcome(PollResult.NotModified, null, 3));
        sync.Loop.Record(new PollOutcome(PollResult.Unauthorized, "expired token"));
        await sync.Heartbeats.SendFinalAsync(CancellationToken.None);

        Assert.Equal([("edgegateway.sync.failures", 1L, "gw1"), ("edgegateway.sync.failures", 1L, "gw1"), ("edgegateway.heartbeat.failures", 1L, "gw1")],
            seen.Select(s => (s.Name, s.Value, s.Gateway)));
    }
}
