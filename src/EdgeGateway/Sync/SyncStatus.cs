namespace EdgeGateway.Sync;

/// <summary>The sync loop's state as the status endpoint and heartbeats report it.</summary>
internal sealed class SyncStatus(GatewayTokenSource tokens, Trust.Confirmations confirmations)
{
    private readonly Lock gate = new();
    private SyncState state = SyncState.Starting;
    private string? lastError;
    private DateTimeOffset? lastErrorAt;
    private DateTimeOffset? lastContactAt;

    public SyncState State
    {
        get
        {
            lock (gate)
            {
                return state;
            }
        }
    }

    public string? LastError
    {
        get
        {
            lock (gate)
            {
                return lastError;
            }
        }
    }

    /// <summary>When the management plane last confirmed (200 or 304) what this gateway serves.</summary>
    public DateTimeOffset? LastContactAt
    {
        get
        {
            lock (gate)
            {
                return lastContactAt;
            }
        }
    }

    public DateTimeOffset? TokenExpiry => tokens.Expiry;

    public void Connected(DateTimeOffset at)
    {
        lock (gate)
        {
            state = SyncState.Connected;
            lastError = null;
            lastErrorAt = null;
            lastContactAt = at;
        }
    }

    /// <summary>Records a problem; true when the state changed (worth one log line, not one per retry).</summary>
    public bool Problem(SyncState newState, string error, DateTimeOffset at)
    {
        lock (gate)
        {
            var changed = state != newState || lastError != error;
            state = newState;
            lastError = error;
            lastErrorAt = at;
            return changed;
        }
    }

    public SyncStatusBody Snapshot(DateTimeOffset now)
    {
        lock (gate)
        {
            return new SyncStatusBody(state, lastContactAt is null ? null : (long)(now - lastContactAt.Value).TotalSeconds,
                lastError, lastErrorAt, TokenExpiry, tokens.Status, confirmations.Latest);
        }
    }
}

internal sealed record SyncStatusBody(
    SyncState State,
    long? LastContactAgeSeconds,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? TokenExpiry,
    TokenStatusBody Token,
    Contracts.Signing.SnapshotConfirmation? LastConfirmation);
