using System.Collections.Concurrent;
using Backup.Providers;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.State;

namespace ManagementPlane.Snapshots;

/// <summary>
/// Serves a gateway's signed snapshot at its revision: from memory, else the object the writing instance stored (checked
/// against the plane's own key), else (a head written by an older version, a crash between the commit and the store, a
/// damaged object, a rotated signing key, the store unreachable) compiled, signed and stored again, once per instance
/// however many polls ask at the same time.
/// </summary>
internal sealed partial class StoredSnapshots(IObjectStore store, SnapshotMemory memory, SnapshotPublisher publisher, KeyRing keys, SecretProtector protector, TimeProvider time, ILogger<StoredSnapshots> logger)
{
    // The writer stores a revision's snapshots right after its commit, so another instance woken by that commit may look
    // a moment too early: for the newest revision it knows, it looks again a few times before compiling it itself.
    // Generous: waiting costs one poll a moment's delay only when a writer really stopped before storing (rare), while
    // compiling too early costs a second signature of the revision.
    private const int WriterGraceReads = 30;
    private static readonly TimeSpan WriterGraceDelay = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<(string Gateway, long Revision), Lazy<Task<byte[]>>> loading = new();

    public async ValueTask<byte[]> GetAsync(ManagementState state, StoredGateway gateway, CancellationToken cancellationToken)
    {
        if (memory.Get(gateway.Id, gateway.SnapshotRevision, gateway.SnapshotHash) is { } bytes)
        {
            return bytes;
        }

        var key = (gateway.Id.ToLowerInvariant(), gateway.SnapshotRevision);
        var load = loading.GetOrAdd(key, k => new Lazy<Task<byte[]>>(() => LoadAsync(k, state, gateway)));
        return await load.Value.WaitAsync(cancellationToken);
    }

    // Not cancelled by the poll that started it: other polls wait for the same result.
    private async Task<byte[]> LoadAsync((string Gateway, long Revision) key, ManagementState state, StoredGateway gateway)
    {
        try
        {
            var (stored, replace) = await ReadStoredAsync(state, gateway);
            var bytes = stored ?? await publisher.RepairAsync(state, gateway, replace, CancellationToken.None);
            memory.Put(gateway.Id, gateway.SnapshotRevision, gateway.SnapshotHash, bytes);
            return bytes;
        }
        finally
        {
            loading.TryRemove(key, out _);
        }
    }

    /// <summary>
    /// The stored bytes when they verify; otherwise null, and whether a repaired object replaces what is there
    /// (a damaged one, or unknown after a failed read) or is written only if still absent (a missing one).
    /// </summary>
    private async Task<(byte[]? Bytes, bool Replace)> ReadStoredAsync(ManagementState state, StoredGateway gateway)
    {
        var name = SnapshotNames.For(gateway.Id, gateway.SnapshotRevision);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var stored = await store.GetAsync(name, CancellationToken.None);
                if (stored is not null)
                {
                    var content = stored.Content.Span;
                    var bytes = SecretProtector.IsSealed(content) ? protector.Unseal(content, name) : content.ToArray();
                    var check = bytes is null ? null : SignedSnapshot.Verify(bytes, keys.SigningKey);
                    var problem = check is null ? "it cannot be decrypted (written under another Management:EncryptionKey, or changed)"
                        : !check.IsValid ? check.Error! : OtherContent(check.Payload!, gateway);
                    if (problem is null)
                    {
                        return (bytes!, false);
                    }

                    LogUnusable(logger, name, store.Name, problem);
                    return (null, true);
                }

                // This instance's writer may have signed it meanwhile (a poll woken by the head record before the signing).
                if (memory.Get(gateway.Id, gateway.SnapshotRevision, gateway.SnapshotHash) is { } signed)
                {
                    return (signed, false);
                }

                if (gateway.SnapshotRevision < state.Revision || attempt >= WriterGraceReads)
                {
                    LogMissing(logger, name, store.Name);
                    return (null, false);
                }

                await Task.Delay(WriterGraceDelay, time);
            }
        }
        catch (ObjectStoreException ex)
        {
            LogUnusable(logger, name, store.Name, ex.Message);
            return (null, true);
        }
    }

    /// <summary>
    /// Null when the stored payload is this gateway's snapshot at this revision with the content the state names; else why not.
    /// A head record deleted or restored from an older copy restarts revisions, and the objects of the old ones stay behind.
    /// </summary>
    private string? OtherContent(byte[] payload, StoredGateway gateway)
    {
        if (SnapshotReader.Parse(payload).Snapshot is not { } snapshot)
        {
            return "its payload is not a snapshot";
        }

        if (!string.Equals(snapshot.GatewayId, gateway.Id, StringComparison.OrdinalIgnoreCase) || snapshot.Revision != gateway.SnapshotRevision)
        {
            return $"it holds revision {snapshot.Revision} of gateway '{snapshot.GatewayId}'";
        }

        return gateway.SnapshotHash is not null && publisher.ContentHash(snapshot) != gateway.SnapshotHash
            ? "its content is not what the state holds for this revision (a head record reset or restored from an older copy?)"
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot {Key} is not in {Store} (written by an earlier version, or the writer stopped before storing it); compiling it again")]
    private static partial void LogMissing(ILogger logger, string key, string store);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot {Key} in {Store} cannot be used ({Reason}); compiling it again")]
    private static partial void LogUnusable(ILogger logger, string key, string store, string reason);
}
