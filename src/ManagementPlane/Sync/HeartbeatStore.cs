using System.Collections.Concurrent;
using System.Text.Json;
using Backup.Providers;
using EdgeGateway.Contracts.Sync;
using ManagementPlane.State;

namespace ManagementPlane.Sync;

/// <summary>
/// Last heartbeat per (gateway, instance): in memory for speed, and written best-effort to
/// <c>heartbeats/{gateway}/{instance}.json</c> (not through the head record) so status survives a restart
/// and is shared between instances.
/// </summary>
internal sealed partial class HeartbeatStore(IObjectStore store, ILogger<HeartbeatStore> logger)
{
    private readonly ConcurrentDictionary<(string Gateway, string Instance), StoredHeartbeat> recent = new();

    public async Task RecordAsync(string gatewayId, HeartbeatRequest beat, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var stored = new StoredHeartbeat(gatewayId, beat, receivedAt);
        recent[(gatewayId.ToLowerInvariant(), beat.InstanceId!)] = stored;
        try
        {
            await store.PutAsync(Key(gatewayId, beat.InstanceId!), JsonSerializer.SerializeToUtf8Bytes(stored, StateJsonContext.Default.StoredHeartbeat), WriteCondition.None, cancellationToken);
        }
        catch (ObjectStoreException ex)
        {
            LogPersistFailed(logger, gatewayId, ex.Message);
        }
    }

    public async Task<IReadOnlyList<StoredHeartbeat>> ListAsync(string gatewayId, CancellationToken cancellationToken)
    {
        var byInstance = recent.Where(e => e.Key.Gateway == gatewayId.ToLowerInvariant()).ToDictionary(e => e.Key.Instance, e => e.Value, StringComparer.Ordinal);
        try
        {
            await foreach (var info in store.ListAsync($"heartbeats/{gatewayId.ToLowerInvariant()}/", cancellationToken))
            {
                var obj = await store.GetAsync(info.Key, cancellationToken);
                if (obj is null)
                {
                    continue;
                }

                StoredHeartbeat? beat;
                try
                {
                    beat = JsonSerializer.Deserialize(obj.Content.Span, StateJsonContext.Default.StoredHeartbeat);
                }
                catch (JsonException)
                {
                    continue;
                }

                if (beat?.Heartbeat.InstanceId is { } instance && (!byInstance.TryGetValue(instance, out var known) || known.ReceivedAt < beat.ReceivedAt))
                {
                    byInstance[instance] = beat;
                }
            }
        }
        catch (ObjectStoreException ex)
        {
            LogListFailed(logger, gatewayId, ex.Message);
        }

        return byInstance.Values.OrderBy(b => b.Heartbeat.InstanceId, StringComparer.Ordinal).ToList();
    }

    private static string Key(string gatewayId, string instanceId) => $"heartbeats/{gatewayId.ToLowerInvariant()}/{instanceId}.json";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not persist a heartbeat of gateway {GatewayId}: {Reason} (kept in memory)")]
    private static partial void LogPersistFailed(ILogger logger, string gatewayId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not list stored heartbeats of gateway {GatewayId}: {Reason} (showing this instance's only)")]
    private static partial void LogListFailed(ILogger logger, string gatewayId, string reason);
}

internal sealed record StoredHeartbeat(string GatewayId, HeartbeatRequest Heartbeat, DateTimeOffset ReceivedAt);
