using EdgeGateway.Backup;
using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Sync;
using EdgeGateway.Proxy;

namespace EdgeGateway.Sync;

/// <summary>What one instance tells the management plane about itself. Never carries a token or a key.</summary>
internal sealed class HeartbeatBuilder(ConfigState state, SyncStatus sync, RequestCounters counters, TimeProvider time, BackupStatus? backup = null)
{
    private readonly DateTimeOffset started = time.GetUtcNow();

    public string InstanceId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant();

    public HeartbeatRequest Build(bool stopping)
    {
        var now = time.GetUtcNow();
        var current = state.Current;
        var contact = sync.LastContactAt;
        var backupStatus = backup?.Snapshot(now);
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
        };
    }
}
