namespace EdgeGateway.Contracts.Sync;

/// <summary>Body of <c>POST /gateway/v1/gateways/{id}/heartbeat</c>, sent by each gateway instance.</summary>
public sealed record HeartbeatRequest
{
    /// <summary>Stable for the life of one gateway process (letters, digits, '-', '_', '.', up to 80 characters).</summary>
    public string? InstanceId { get; init; }

    public string? HostName { get; init; }

    public string? Version { get; init; }

    /// <summary>Revision of the snapshot being served; 0 when none.</summary>
    public long AppliedRevision { get; init; }

    /// <summary>Seconds since that snapshot was last confirmed current with the management plane.</summary>
    public double? ConfigAgeSeconds { get; init; }

    public double? UptimeSeconds { get; init; }

    /// <summary>The last sync problem (never a token), or null when syncing works.</summary>
    public string? LastSyncError { get; init; }

    /// <summary>
    /// True in the last heartbeat of an instance that is stopping on purpose (SIGTERM: scale-in, redeploy), so the
    /// management plane shows it as stopped rather than waiting for it to go stale. Gateways before this field said it
    /// with <see cref="LastSyncError"/> <c>"stopping"</c> (<see cref="LegacyStoppingError"/>).
    /// </summary>
    public bool Stopping { get; init; }

    /// <summary>What older gateways sent as <see cref="LastSyncError"/> in their last heartbeat instead of <see cref="Stopping"/>.</summary>
    public const string LegacyStoppingError = "stopping";

    public long RequestsTotal { get; init; }

    public long RequestsFailed { get; init; }

    public long? LastBackupRevision { get; init; }

    public string? LastBackupError { get; init; }

    /// <summary>What this instance served since its last accepted heartbeat; absent from gateways before it existed.</summary>
    public TrafficSummary? Traffic { get; init; }
}
