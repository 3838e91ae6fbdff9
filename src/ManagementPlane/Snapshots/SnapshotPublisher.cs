using System.Security.Cryptography;
using Backup.Providers;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Diagnostics;
using ManagementPlane.State;

namespace ManagementPlane.Snapshots;

/// <summary>
/// The one home of a gateway snapshot's compile step. During a write, <see cref="Stamp"/> compiles each gateway's snapshot
/// once and moves its revision only when the content changed; after the write commits, <see cref="Sign"/> signs the changed
/// ones into this instance's memory (before any poll wakes) and <see cref="StoreAsync"/> keeps them in the store for every
/// other instance (<see cref="SnapshotNames"/>), dropping revisions no gateway will ask for again.
/// </summary>
internal sealed partial class SnapshotPublisher(SnapshotCompiler compiler, KeyRing keys, SecretProtector protector, IObjectStore store, SnapshotMemory memory, ILogger<SnapshotPublisher> logger)
{
    public const string ReasonWrite = "write";
    public const string ReasonRepair = "repair";

    private const int StoreConcurrency = 8;

    /// <summary>
    /// Compiles every gateway's snapshot of <paramref name="after"/> (at <c>after.Revision</c>, the revision the write will get);
    /// a gateway whose content (hashed with revision 0) changed gets that revision as its snapshot revision and ETag.
    /// </summary>
    /// <remarks>
    /// A secret named value a gateway's policies reference that cannot be decrypted makes that gateway's snapshot
    /// uncompilable: the write is refused (<see cref="SnapshotChanges.UnreadableSecrets"/>, nothing stamped), so no revision
    /// is published that its gateway would have to refuse, and every gateway keeps the snapshot it has.
    /// </remarks>
    public SnapshotChanges Stamp(ManagementState before, ManagementState after)
    {
        var compiled = after.Gateways.Select(g => (Gateway: g, Compilation: compiler.Compile(after, g, revision: 0))).ToList();
        var unreadable = compiled.SelectMany(c => c.Compilation.UnreadableSecrets.Select(id => (c.Gateway.Id, id))).ToList();
        if (unreadable.Count > 0)
        {
            return new SnapshotChanges([], [], unreadable);
        }

        var changed = new List<(GatewaySnapshot Snapshot, string Hash)>();
        foreach (var (gateway, compilation) in compiled)
        {
            var hash = ContentHash(compilation.Snapshot);
            if (gateway.SnapshotHash != hash || gateway.SnapshotRevision == 0)
            {
                gateway.SnapshotHash = hash;
                gateway.SnapshotRevision = after.Revision;
                changed.Add((compilation.Snapshot with { Revision = after.Revision }, hash));
            }
        }

        var removed = before.Gateways.Select(g => g.Id)
            .Where(id => !after.Gateways.Exists(g => string.Equals(g.Id, id, StringComparison.OrdinalIgnoreCase))).ToList();
        return new SnapshotChanges(changed, removed, []);
    }

    /// <summary>A newer state was read or written: snapshots of gateways it no longer has leave this instance's memory.</summary>
    public void Retain(ManagementState state) => memory.RetainOnly(state.Gateways.Select(g => g.Id).ToList());

    /// <summary>After the commit: signs the changed snapshots into memory, so this instance's polls are answered at once.</summary>
    public IReadOnlyList<SignedGatewaySnapshot> Sign(SnapshotChanges changes) => changes.Changed.Select(c => SignOne(c.Snapshot, c.Hash, ReasonWrite)).ToList();

    /// <summary>
    /// Stores what <see cref="Sign"/> made (another instance may have stored the same revision already: fine), keeps the
    /// previous revision for gateways that still ask for it, and deletes a removed gateway's snapshots. A store failure is
    /// logged, not thrown: the write has committed, and a poll that finds no object repairs it.
    /// </summary>
    public async Task StoreAsync(IReadOnlyList<SignedGatewaySnapshot> signed, IReadOnlyList<string> removed, CancellationToken cancellationToken)
    {
        foreach (var gatewayId in removed)
        {
            memory.Forget(gatewayId);
        }

        // One change (a global policy, a named value) can touch every gateway: a few at a time, each on its own.
        var work = signed.Select(s => (s.GatewayId, Snapshot: (SignedGatewaySnapshot?)s)).Concat(removed.Select(id => (GatewayId: id, Snapshot: (SignedGatewaySnapshot?)null)));
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = StoreConcurrency, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            try
            {
                if (item.Snapshot is { } snapshot)
                {
                    // The writer owns this revision now: an object already there under its name is stale (a head record
                    // deleted or restored from an older copy restarts revisions), so it is replaced, not kept.
                    await PutAsync(snapshot, replace: true, ct);
                    await PruneAsync(snapshot.GatewayId, keepFrom: snapshot.Revision, keepOneOlder: true, ct);
                }
                else
                {
                    await PruneAsync(item.GatewayId, keepFrom: long.MaxValue, keepOneOlder: false, ct);
                }
            }
            catch (ObjectStoreException ex)
            {
                LogStoreFailed(logger, store.Name, ex.Message);
            }
        });
    }

    /// <summary>
    /// The snapshot of <paramref name="gateway"/> at its snapshot revision, compiled from <paramref name="state"/> (any state where
    /// the gateway has that revision compiles to the same content), signed and stored: for an object that is missing or damaged.
    /// </summary>
    public async Task<byte[]> RepairAsync(ManagementState state, StoredGateway gateway, bool replace, CancellationToken cancellationToken)
    {
        // A secret that became unreadable since the write (the plane's key changed) is sent without its value; the gateway's
        // expression compiler treats it as withheld, and the next write that touches it is refused until it is set again.
        var signed = SignOne(compiler.Compile(state, gateway, gateway.SnapshotRevision).Snapshot, gateway.SnapshotHash, ReasonRepair);
        try
        {
            await PutAsync(signed, replace, cancellationToken);
        }
        catch (ObjectStoreException ex)
        {
            // Served from memory all the same; the next instance to miss it repairs it again.
            LogStoreFailed(logger, store.Name, ex.Message);
        }

        return signed.Bytes;
    }

    /// <summary>
    /// HMAC-SHA256 (under the plane's encryption key) of a snapshot's content with its revision left out: what
    /// <see cref="StoredGateway.SnapshotHash"/> holds. Keyed because the content holds decrypted secret values, and a plain
    /// hash in the head record would let anyone who reads the store test guesses of them.
    /// </summary>
    public string ContentHash(GatewaySnapshot snapshot) =>
        Convert.ToBase64String(HMACSHA256.HashData(keys.EncryptionKey, SnapshotReader.Serialize(snapshot.Revision == 0 ? snapshot : snapshot with { Revision = 0 })));

    private SignedGatewaySnapshot SignOne(GatewaySnapshot snapshot, string? hash, string reason)
    {
        var gatewayId = snapshot.GatewayId!;
        var bytes = SignedSnapshot.Sign(SnapshotReader.Serialize(snapshot), keys.SigningKey);
        memory.Put(gatewayId, snapshot.Revision, hash, bytes);
        ManagementTelemetry.SnapshotsSigned.Add(1, new KeyValuePair<string, object?>("gateway", gatewayId), new KeyValuePair<string, object?>("reason", reason));
        LogCompiled(logger, gatewayId, snapshot.Revision, reason);
        return new SignedGatewaySnapshot(gatewayId, snapshot.Revision, bytes, (snapshot.NamedValues ?? []).Any(n => n is { Secret: true, Value: not null }));
    }

    /// <summary>A snapshot holding secret values is stored sealed (<see cref="SecretProtector.Seal"/>): secrets rest encrypted in the plane's store too.</summary>
    private Task<PutResult> PutAsync(SignedGatewaySnapshot snapshot, bool replace, CancellationToken cancellationToken)
    {
        var name = SnapshotNames.For(snapshot.GatewayId, snapshot.Revision);
        return store.PutAsync(name, snapshot.HoldsSecrets ? protector.Seal(snapshot.Bytes, name) : snapshot.Bytes,
            replace ? WriteCondition.None : WriteCondition.IfNoneMatch, cancellationToken);
    }

    /// <summary>Deletes a gateway's snapshots older than <paramref name="keepFrom"/>, except the newest of them when <paramref name="keepOneOlder"/>.</summary>
    private async Task PruneAsync(string gatewayId, long keepFrom, bool keepOneOlder, CancellationToken cancellationToken)
    {
        var older = new List<(string Key, long Revision)>();
        await foreach (var info in store.ListAsync(SnapshotNames.Prefix(gatewayId), cancellationToken))
        {
            if (SnapshotNames.TryParseRevision(info.Key, out var revision) && revision < keepFrom)
            {
                older.Add((info.Key, revision));
            }
        }

        foreach (var (key, _) in older.OrderByDescending(o => o.Revision).Skip(keepOneOlder ? 1 : 0))
        {
            await store.DeleteAsync(key, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Compiled and signed snapshot of gateway {GatewayId} at revision {Revision} ({Reason})")]
    private static partial void LogCompiled(ILogger logger, string gatewayId, long revision, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing gateway snapshots in {Store} failed: {Reason}; they are served from memory, and an instance that misses one compiles it again")]
    private static partial void LogStoreFailed(ILogger logger, string store, string reason);
}

/// <summary>
/// What a write changed: the compiled snapshots (at the write's revision) of the gateways whose content changed, and the
/// removed gateways; or, when not empty, the referenced secret named values that cannot be decrypted (the write must be refused).
/// </summary>
internal sealed record SnapshotChanges(
    IReadOnlyList<(GatewaySnapshot Snapshot, string Hash)> Changed,
    IReadOnlyList<string> Removed,
    IReadOnlyList<(string Gateway, string NamedValue)> UnreadableSecrets);

/// <summary>One gateway's signed snapshot (the flattened JWS a gateway receives and backs up); whether it holds secret values.</summary>
internal sealed record SignedGatewaySnapshot(string GatewayId, long Revision, byte[] Bytes, bool HoldsSecrets);
