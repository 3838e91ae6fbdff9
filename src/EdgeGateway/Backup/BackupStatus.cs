namespace EdgeGateway.Backup;

/// <summary>What the status endpoint and heartbeats say about backups. Written by the writer, read by anyone.</summary>
internal sealed class BackupStatus(string store)
{
    private readonly Lock gate = new();
    private long? lastRevision;
    private DateTimeOffset? lastAt;
    private string? lastError;
    private DateTimeOffset? lastErrorAt;
    private long? pendingRevision;
    private long successes;
    private long failures;

    public string Store { get; } = store;

    public long Successes => Interlocked.Read(ref successes);

    public long Failures => Interlocked.Read(ref failures);

    /// <summary>The gateway started from the backup of <paramref name="revision"/>: that revision is in the store.</summary>
    public void Restored(long revision)
    {
        lock (gate)
        {
            lastRevision ??= revision;
        }
    }

    public void Pending(long revision)
    {
        lock (gate)
        {
            pendingRevision = revision;
        }
    }

    public void Succeeded(long revision, DateTimeOffset at)
    {
        lock (gate)
        {
            lastRevision = revision;
            lastAt = at;
            lastError = null;
            lastErrorAt = null;
            if (pendingRevision == revision)
            {
                pendingRevision = null;
            }
        }

        Interlocked.Increment(ref successes);
    }

    /// <summary>Records a failure; true when it is a change of state worth a log line (not every retry).</summary>
    public bool Failed(string error, DateTimeOffset at)
    {
        Interlocked.Increment(ref failures);
        lock (gate)
        {
            var changed = lastError != error;
            lastError = error;
            lastErrorAt = at;
            return changed;
        }
    }

    /// <summary>
    /// <paramref name="revision"/> will not be backed up (<paramref name="reason"/>): no longer pending, not a failed attempt;
    /// true when the reason is new (worth one log line).
    /// </summary>
    public bool Refused(long revision, string reason, DateTimeOffset at)
    {
        lock (gate)
        {
            var changed = lastError != reason;
            lastError = reason;
            lastErrorAt = at;
            if (pendingRevision == revision)
            {
                pendingRevision = null;
            }

            return changed;
        }
    }

    public BackupStatusBody Snapshot(DateTimeOffset now)
    {
        lock (gate)
        {
            return new BackupStatusBody(Store, lastRevision, lastAt is null ? null : (long)(now - lastAt.Value).TotalSeconds,
                pendingRevision, lastError, lastErrorAt, Successes, Failures);
        }
    }
}

internal sealed record BackupStatusBody(
    string Store,
    long? LastRevision,
    long? LastBackupAgeSeconds,
    long? PendingRevision,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    long Succeeded,
    long Failed);
