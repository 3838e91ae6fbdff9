using System.Diagnostics.Metrics;
using System.Text;
using EdgeGateway.Backup;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Routing;
using EdgeGateway.Sync;
using EdgeGateway.Telemetry;
using EdgeGateway.Tests.Sync;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>The observable instruments read the state the status endpoint reads: config, sync, backups.</summary>
public sealed class GatewayGaugesTests
{
    [Fact]
    public void Gauges_ReportConfigSyncAndBackupState()
    {
        using var harness = new SyncHarness();
        var parsed = SnapshotReader.Parse(Encoding.UTF8.GetBytes("""
            { "schemaVersion": 1, "revision": 42, "gatewayId": "gw1", "apis": [ { "id": "a", "path": "/a", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] } } ] }
            """));
        harness.State.Apply(new GatewayRuntime(parsed.Snapshot!, "test", harness.Clock.GetUtcNow().AddSeconds(-30)));
        harness.Status.Connected(harness.Clock.GetUtcNow().AddSeconds(-5));
        harness.Status.Problem(SyncState.Unreachable, "management plane unreachable: refused", harness.Clock.GetUtcNow());
        var backup = new BackupStatus("disk");
        backup.Succeeded(42, harness.Clock.GetUtcNow().AddSeconds(-10));
        backup.Failed("disk full", harness.Clock.GetUtcNow());
        using var gauges = new GatewayGauges(harness.State, harness.Status, backup, null, "gw1", harness.Clock);

        var seen = Collect(gauges);

        Assert.Equal(42, Single(seen, "edgegateway.config.revision").Value);
        Assert.Equal(30, Single(seen, "edgegateway.config.age").Value);
        Assert.Equal(1, Single(seen, "edgegateway.sync.state", ("edgegateway.sync.state", "unreachable")).Value);
        Assert.Equal(0, Single(seen, "edgegateway.sync.state", ("edgegateway.sync.state", "connected")).Value);
        Assert.Equal(6, seen.Count(m => m.Name == "edgegateway.sync.state"));
        Assert.Equal(harness.Clock.GetUtcNow().AddSeconds(-5).ToUnixTimeMilliseconds() / 1000.0, Single(seen, "edgegateway.sync.last_success").Value);
        Assert.Equal(1, Single(seen, "edgegateway.backup.writes", ("edgegateway.outcome", "success")).Value);
        Assert.Equal(1, Single(seen, "edgegateway.backup.writes", ("edgegateway.outcome", "failure")).Value);
        Assert.Equal(10, Single(seen, "edgegateway.backup.age").Value);
        Assert.All(seen, m => Assert.Equal("gw1", m.Tags["edgegateway.gateway.id"]));
        Assert.DoesNotContain(seen, m => m.Name == "edgegateway.redis.fallback"); // no Redis configured
    }

    [Fact]
    public void Gauges_BeforeAnyConfigOrBackup_AreAbsent_NotZero()
    {
        using var harness = new SyncHarness();
        using var gauges = new GatewayGauges(harness.State, harness.Status, new BackupStatus("disk"), null, null, harness.Clock);

        var seen = Collect(gauges);

        Assert.DoesNotContain(seen, m => m.Name is "edgegateway.config.revision" or "edgegateway.config.age" or "edgegateway.backup.age" or "edgegateway.sync.last_success");
        Assert.Equal(1, Single(seen, "edgegateway.sync.state", ("edgegateway.sync.state", "starting")).Value);
        Assert.All(seen, m => Assert.False(m.Tags.ContainsKey("edgegateway.gateway.id")));
    }

    private static List<(string Name, double Value, Dictionary<string, string> Tags)> Collect(GatewayGauges gauges)
    {
        var seen = new List<(string, double, Dictionary<string, string>)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == gauges.SyncMeter || instrument.Meter == gauges.BackupMeter || instrument.Meter == gauges.RedisMeter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Add((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Add((i.Name, v, Tags(tags))));
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }

    private static (string Name, double Value, Dictionary<string, string> Tags) Single(
        List<(string Name, double Value, Dictionary<string, string> Tags)> seen, string name, params (string Key, string Value)[] tags) =>
        Assert.Single(seen, m => m.Name == name && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value));

    private static Dictionary<string, string> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, string>();
        foreach (var (key, value) in tags)
        {
            result[key] = value?.ToString() ?? "";
        }

        return result;
    }
}
