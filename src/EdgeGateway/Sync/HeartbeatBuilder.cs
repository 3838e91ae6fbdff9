using EdgeGateway.Backup;
using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Sync;
using EdgeGateway.Proxy;

namespace EdgeGateway.Sync;

/// <summary>
/// What one instance tells the management plane about itself. Never carries a token or a key. Its traffic window runs from
/// the end of the last window the plane accepted (<see cref="Accepted"/>), or from the start.
/// </summary>
internal sealed class HeartbeatBuilder(ConfigState state, SyncStatus sync, RequestCounters counters, TimeProvider time, BackupStatus? backup = null)
{
    private readonly DateTimeOffset started = time.GetUtcNow();
    private readonly Lock windowLock = new();
    private DateTimeOffset? windowStart;

    public string InstanceId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant();

    public HeartbeatRequest Build(bool stopping)
    {
        var now = time.GetUtcNow();
        var current = state.Current;
        var contact = sync.LastContactAt;
        var backupStatus = backup?.Snapshot(now);
        double windowSeconds;
        lock (windowLock)
        {
            windowSeconds = Math.Max(0, (now - (windowStart ?? started)).TotalSeconds);
        }

        return new HeartbeatRequest
        {
            InstanceId = InstanceId.Length > 80 ? InstanceId[..80] : InstanceId,
            HostName = Environment.MachineName,
            Version = Health.ThisAssembly.Version,
            AppliedRevision = current?.Revision ?? 0,
            ConfigAgeSeconds = contact is null ? current is null ? null : (now - current.LoadedAt).TotalSeconds : (now - contact.Value).TotalSeconds,
            UptimeSeconds = (now - started).TotalSeconds,
            LastSyncError = sync.LastError,
            Stopping = stopping,
            RequestsTotal = counters.Total,
            RequestsFailed = counters.Failed,
            LastBackupRevision = backupStatus?.LastRevision,
            LastBackupError = backupStatus?.LastError,
            Traffic = counters.Peek(windowSeconds),
        };
    }

    /// <summary>The plane accepted <paramref name="beat"/>: its traffic leaves the window, and the next window starts where it ended.</summary>
    public void Accepted(HeartbeatRequest beat)
    {
        if (beat.Traffic is not { } traffic)
        {
            return;
        }

        counters.Remove(traffic);
        lock (windowLock)
        {
            windowStart = (windowStart ?? started) + TimeSpan.FromSeconds(traffic.WindowSeconds);
        }
    }
}
