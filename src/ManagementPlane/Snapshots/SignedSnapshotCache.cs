using System.Collections.Concurrent;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.State;

namespace ManagementPlane.Snapshots;

/// <summary>Signed snapshot bytes per (gateway, revision): compiled and signed once, served to every instance and poll.</summary>
internal sealed class SignedSnapshotCache(SnapshotCompiler compiler, KeyRing keys)
{
    private const int MaxEntries = 1024;
    private readonly ConcurrentDictionary<(string Gateway, long Revision), byte[]> cache = new();

    public byte[] Get(ManagementState state, StoredGateway gateway)
    {
        var key = (gateway.Id, gateway.SnapshotRevision);
        if (cache.TryGetValue(key, out var bytes))
        {
            return bytes;
        }

        var payload = SnapshotReader.Serialize(compiler.Compile(state, gateway, gateway.SnapshotRevision));
        bytes = SignedSnapshot.Sign(payload, keys.SigningKey);
        if (cache.Count >= MaxEntries)
        {
            // Older revisions are never asked for again once gateways moved on; a crude reset is enough.
            cache.Clear();
        }

        cache[key] = bytes;
        return bytes;
    }
}
