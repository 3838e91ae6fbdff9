using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Backup.Providers;
using EdgeGateway.Contracts.Sync;
using ManagementPlane.Diagnostics;
using ManagementPlane.Hosting;
using ManagementPlane.State;
using Microsoft.Extensions.Options;

namespace ManagementPlane.Sync;

/// <summary>
/// Last heartbeat per (gateway, instance): in memory for speed, and written best-effort to
/// <c>heartbeats/{gateway}/{instance}.json</c> (not through the head record) so status survives a restart
/// and is shared between instances. Instances not heard from for <c>Management:Heartbeats:ForgetAfter</c>, and the
/// oldest beyond <c>Management:Heartbeats:MaxInstancesPerGateway</c>, are forgotten: dropped from memory at once, and
/// their stored heartbeats deleted when the folder is swept (at each status call, and when a new instance appears,
/// which is when the folder grows). Publishes the <c>managementplane.gateways.instances</c> gauge from what it holds.
/// </summary>
internal sealed partial class HeartbeatStore : IDisposable
{
    private const string Folder = "heartbeats/";
    private const string Extension = ".json";

    // Per gateway (lower-case id), per instance id: the last heartbeat and the ETag of the stored copy it came from or went
    // to, so a sweep downloads only heartbeats written by another management-plane instance.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Entry>> gateways = new(StringComparer.Ordinal);
    private readonly IObjectStore store;
    private readonly IOptions<ManagementOptions> options;
    private readonly TimeProvider time;
    private readonly ILogger<HeartbeatStore> logger;

    // A Meter of this store's own under the plane's meter name: listeners subscribe by name, and disposing it with the store
    // (tests start many planes in one process) stops the gauge from reading a store that is gone.
    private readonly Meter meter = new(ManagementTelemetry.Name);
    private readonly Counter<long> rejected;

    public HeartbeatStore(IObjectStore store, IOptions<ManagementOptions> options, TimeProvider time, ILogger<HeartbeatStore> logger)
    {
        this.store = store;
        this.options = options;
        this.time = time;
        this.logger = logger;
        meter.CreateObservableGauge(ManagementTelemetry.InstancesGauge, MeasureInstances, "{instance}",
            "Gateway instances this management-plane instance remembers, by gateway and state (current, stale, gone, stopped), from the heartbeats it holds in memory.");
        rejected = meter.CreateCounter<long>(ManagementTelemetry.HeartbeatsRejected, "{heartbeat}", "Heartbeats refused, by reason.");
    }

    /// <summary>A heartbeat refused (<c>managementplane.heartbeats.rejected</c>, tag <c>reason</c>): counted on this store's meter.</summary>
    public void Rejected(string reason) => rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>The meter this store's gauge is on (tests listen to their own plane's).</summary>
    internal Meter Meter => meter;

    public void Dispose() => meter.Dispose();

    /// <summary>Every state of every known gateway, zeros included, so a series drops to 0 instead of vanishing.</summary>
    private IEnumerable<Measurement<long>> MeasureInstances()
    {
        var now = time.GetUtcNow();
        var interval = options.Value.HeartbeatInterval;
        foreach (var (gateway, instances) in gateways)
        {
            var byState = instances.Values.GroupBy(e => InstanceCondition.Of(e.Beat, now, interval)).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            foreach (var state in InstanceCondition.All)
            {
                yield return new Measurement<long>(byState.GetValueOrDefault(state),
                    new KeyValuePair<string, object?>("gateway", gateway), new KeyValuePair<string, object?>("state", state));
            }
        }
    }

    public async Task RecordAsync(string gatewayId, HeartbeatRequest beat, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var instances = InstancesOf(gatewayId);
        var instance = beat.InstanceId!;
        var entry = new Entry(new StoredHeartbeat(gatewayId, beat, receivedAt), ETag: null);
        var isNew = !instances.ContainsKey(instance);
        instances[instance] = entry;
        try
        {
            var put = await store.PutAsync(Key(gatewayId, instance), JsonSerializer.SerializeToUtf8Bytes(entry.Beat, StateJsonContext.Default.StoredHeartbeat), WriteCondition.None, cancellationToken);
            instances.TryUpdate(instance, entry with { ETag = put.ETag }, entry);
        }
        catch (ObjectStoreException ex)
        {
            LogPersistFailed(logger, gatewayId, ex.Message);
        }

        // A new instance is when the stored folder grows (every start on a scale-to-zero platform): sweep it then.
        if (isNew)
        {
            await TrySweepAsync(gatewayId, instances, cancellationToken);
        }
        else
        {
            Forget(instances);
        }
    }

    /// <summary>The instances still remembered, with what other management-plane instances stored merged in.</summary>
    public async Task<IReadOnlyList<StoredHeartbeat>> ListAsync(string gatewayId, CancellationToken cancellationToken)
    {
        var instances = InstancesOf(gatewayId);
        await TrySweepAsync(gatewayId, instances, cancellationToken);
        return instances.Values.Select(e => e.Beat).OrderBy(b => b.Heartbeat.InstanceId, StringComparer.Ordinal).ToList();
    }

    private async Task TrySweepAsync(string gatewayId, ConcurrentDictionary<string, Entry> instances, CancellationToken cancellationToken)
    {
        try
        {
            await SweepAsync(gatewayId, instances, cancellationToken);
        }
        catch (ObjectStoreException ex)
        {
            LogListFailed(logger, gatewayId, ex.Message);
            Forget(instances);
        }
    }

    /// <summary>Reads the stored heartbeats that changed since this process last saw them, forgets, and deletes what was forgotten.</summary>
    private async Task SweepAsync(string gatewayId, ConcurrentDictionary<string, Entry> instances, CancellationToken cancellationToken)
    {
        var prefix = Prefix(gatewayId);
        var listed = new List<string>();
        await foreach (var info in store.ListAsync(prefix, cancellationToken))
        {
            if (InstanceOf(info.Key, prefix) is not { } instance)
            {
                continue;
            }

            listed.Add(instance);
            if (instances.TryGetValue(instance, out var known) && known.ETag == info.ETag)
            {
                continue;
            }

            if (await ReadAsync(info.Key, instance, cancellationToken) is { } read)
            {
                instances.AddOrUpdate(instance, read, (_, existing) => existing.Beat.ReceivedAt > read.Beat.ReceivedAt ? existing : read);
            }
        }

        Forget(instances);
        foreach (var instance in listed.Where(i => !instances.ContainsKey(i)))
        {
            await store.DeleteAsync(Key(gatewayId, instance), cancellationToken);
            LogForgotten(logger, gatewayId, instance);
        }
    }

    private async Task<Entry?> ReadAsync(string key, string instance, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(key, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        try
        {
            var beat = JsonSerializer.Deserialize(stored.Content.Span, StateJsonContext.Default.StoredHeartbeat);
            return beat?.Heartbeat.InstanceId == instance ? new Entry(beat, stored.ETag) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Drops instances silent for longer than ForgetAfter, then the least recently heard from beyond the cap.</summary>
    private void Forget(ConcurrentDictionary<string, Entry> instances)
    {
        var retention = options.Value.Heartbeats;
        var cutoff = time.GetUtcNow() - retention.ForgetAfter;
        var newestFirst = instances.OrderByDescending(e => e.Value.Beat.ReceivedAt).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
        for (var i = 0; i < newestFirst.Count; i++)
        {
            if (i >= retention.MaxInstancesPerGateway || newestFirst[i].Value.Beat.ReceivedAt < cutoff)
            {
                // Only if unchanged: a heartbeat that arrived meanwhile keeps its instance.
                instances.TryRemove(newestFirst[i]);
            }
        }
    }

    private ConcurrentDictionary<string, Entry> InstancesOf(string gatewayId) =>
        gateways.GetOrAdd(gatewayId.ToLowerInvariant(), _ => new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal));

    private static string Prefix(string gatewayId) => $"{Folder}{gatewayId.ToLowerInvariant()}/";

    private static string Key(string gatewayId, string instanceId) => Prefix(gatewayId) + instanceId + Extension;

    private static string? InstanceOf(string key, string prefix)
    {
        var instance = key.EndsWith(Extension, StringComparison.Ordinal) ? key[prefix.Length..^Extension.Length] : "";
        return instance.Length == 0 || instance.Contains('/', StringComparison.Ordinal) ? null : instance;
    }

    private sealed record Entry(StoredHeartbeat Beat, string? ETag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not persist a heartbeat of gateway {GatewayId}: {Reason} (kept in memory)")]
    private static partial void LogPersistFailed(ILogger logger, string gatewayId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sweep the stored heartbeats of gateway {GatewayId}: {Reason} (status shows what this instance holds)")]
    private static partial void LogListFailed(ILogger logger, string gatewayId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Forgot instance {InstanceId} of gateway {GatewayId} (silent longer than Management:Heartbeats:ForgetAfter, or beyond MaxInstancesPerGateway)")]
    private static partial void LogForgotten(ILogger logger, string gatewayId, string instanceId);
}

internal sealed record StoredHeartbeat(string GatewayId, HeartbeatRequest Heartbeat, DateTimeOffset ReceivedAt);
