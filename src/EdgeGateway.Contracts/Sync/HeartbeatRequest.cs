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

    public long RequestsTotal { get; init; }

    public long RequestsFailed { get; init; }

    public long? LastBackupRevision { get; init; }

    public string? LastBackupError { get; init; }
}
