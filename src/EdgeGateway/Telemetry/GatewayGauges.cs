using System.Diagnostics.Metrics;
using EdgeGateway.Backup;
using EdgeGateway.Configuration;
using EdgeGateway.Policies.Redis;
using EdgeGateway.Sync;

namespace EdgeGateway.Telemetry;

/// <summary>
/// The observable instruments: they read the state objects the status endpoint already reads (config, sync, backups,
/// Redis), when a listener collects, and cost nothing in between. Made once when the host starts (one host per process;
/// tests run several, each with its own); their meters carry the component names of <see cref="GatewayTelemetry"/>.
/// Backup writes and sync failures are counted where they happen (<see cref="GatewayTelemetry"/> counters) except
/// <c>edgegateway.backup.writes</c>, observed from <see cref="BackupStatus"/>'s own counts (a monotonic sum all the same).
/// </summary>
internal sealed class GatewayGauges : IDisposable
{
    private static readonly string[] StateNames = ["starting", "connected", "unreachable", "unauthorized", "refused", "error"];
    private static readonly SyncState[] States = [SyncState.Starting, SyncState.Connected, SyncState.Unreachable, SyncState.Unauthorized, SyncState.Refused, SyncState.Error];

    private readonly TimeProvider time;
    private readonly KeyValuePair<string, object?>[] gatewayTag;

    public GatewayGauges(ConfigState config, SyncStatus? sync, BackupStatus? backup, RedisStores? redis, string? gatewayId, TimeProvider time)
    {
        this.time = time;
        gatewayTag = gatewayId is null ? [] : [new(GatewayAttributes.GatewayId, gatewayId)];
        var version = typeof(GatewayGauges).Assembly.GetName().Version?.ToString();
        SyncMeter = new Meter(GatewayTelemetry.SyncMeterName, version);
        BackupMeter = new Meter(GatewayTelemetry.BackupMeterName, version);
        RedisMeter = new Meter(GatewayTelemetry.RedisMeterName, version);

        SyncMeter.CreateObservableGauge("edgegateway.config.revision", () => Revision(config), "{revision}",
            "Revision of the config the gateway serves (absent before the first).");
        SyncMeter.CreateObservableGauge("edgegateway.config.age", () => Age(config), "s",
            "Seconds since the config the gateway serves was applied.");
        if (sync is not null)
        {
            SyncMeter.CreateObservableGauge("edgegateway.sync.state", () => State(sync), "{state}",
                "1 for the sync loop's current state (tag edgegateway.sync.state), 0 for the others.");
            SyncMeter.CreateObservableGauge("edgegateway.sync.last_success", () => LastSuccess(sync), "s",
                "Unix time of the management plane's last confirmation of the served config (absent before the first).");
        }

        if (backup is not null)
        {
            BackupMeter.CreateObservableCounter("edgegateway.backup.writes", () => Writes(backup), "{write}",
                "Backup writes attempted, by edgegateway.outcome (success, failure).");
            BackupMeter.CreateObservableGauge("edgegateway.backup.age", () => BackupAge(backup), "s",
                "Seconds since the last good backup was written (absent when none).");
        }

        if (redis is not null)
        {
            RedisMeter.CreateObservableGauge("edgegateway.redis.fallback", () => Fallback(redis), "{state}",
                "1 while the Redis link is down and counters or the cache fell back (counters: local counts or refusing).");
        }
    }

    public Meter SyncMeter { get; }

    public Meter BackupMeter { get; }

    public Meter RedisMeter { get; }

    public void Dispose()
    {
        SyncMeter.Dispose();
        BackupMeter.Dispose();
        RedisMeter.Dispose();
    }

    private IEnumerable<Measurement<long>> Revision(ConfigState config) =>
        config.Current is { } runtime ? [new(runtime.Revision, gatewayTag)] : [];

    private IEnumerable<Measurement<double>> Age(ConfigState config) =>
        config.Current is { } runtime ? [new((time.GetUtcNow() - runtime.LoadedAt).TotalSeconds, gatewayTag)] : [];

    private IEnumerable<Measurement<long>> State(SyncStatus sync)
    {
        var current = sync.State;
        var measurements = new Measurement<long>[States.Length];
        for (var i = 0; i < States.Length; i++)
        {
            measurements[i] = new(States[i] == current ? 1 : 0, [.. gatewayTag, new(GatewayAttributes.SyncState, StateNames[i])]);
        }

        return measurements;
    }

    private IEnumerable<Measurement<double>> LastSuccess(SyncStatus sync) =>
        sync.LastContactAt is { } at ? [new(at.ToUnixTimeMilliseconds() / 1000.0, gatewayTag)] : [];

    private IEnumerable<Measurement<long>> Writes(BackupStatus backup) =>
    [
        new(backup.Successes, [.. gatewayTag, new(GatewayAttributes.Outcome, "success")]),
        new(backup.Failures, [.. gatewayTag, new(GatewayAttributes.Outcome, "failure")]),
    ];

    private IEnumerable<Measurement<double>> BackupAge(BackupStatus backup) =>
        backup.Snapshot(time.GetUtcNow()).LastBackupAgeSeconds is { } age ? [new(age, gatewayTag)] : [];

    private IEnumerable<Measurement<long>> Fallback(RedisStores redis)
    {
        var measurements = new List<Measurement<long>>(2);
        if (redis.CounterLink is { } counters)
        {
            measurements.Add(new(counters.IsUp ? 0 : 1, [.. gatewayTag, new(GatewayAttributes.RedisUse, "counters")]));
        }

        if (redis.CacheLink is { } cache)
        {
            measurements.Add(new(cache.IsUp ? 0 : 1, [.. gatewayTag, new(GatewayAttributes.RedisUse, "cache")]));
        }

        return measurements;
    }
}
