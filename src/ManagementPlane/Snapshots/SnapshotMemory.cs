using System.Collections.Concurrent;

namespace ManagementPlane.Snapshots;

/// <summary>
/// Signed snapshot bytes this instance holds, per gateway: the newest two revisions (a gateway may still ask for the
/// previous one while this instance's view of the state catches up), each with the content hash it was compiled to, so
/// bytes are served only for the content the state names. Gateways the state no longer has are dropped
/// (<see cref="RetainOnly"/>), so memory is bounded by the gateways that exist.
/// </summary>
internal sealed class SnapshotMemory
{
    private const int KeepPerGateway = 2;
    private readonly ConcurrentDictionary<string, Entry[]> gateways = new(StringComparer.OrdinalIgnoreCase);

    public byte[]? Get(string gatewayId, long revision, string? hash) =>
        gateways.TryGetValue(gatewayId, out var entries)
            ? Array.Find(entries, e => e.Revision == revision && (hash is null || e.Hash is null || e.Hash == hash))?.Bytes
            : null;

    public void Put(string gatewayId, long revision, string? hash, byte[] bytes) =>
        gateways.AddOrUpdate(gatewayId, static (_, added) => [added], static (_, entries, added) =>
                entries.Where(e => e.Revision != added.Revision).Append(added).OrderByDescending(e => e.Revision).Take(KeepPerGateway).ToArray(),
            new Entry(revision, hash, bytes));

    public void Forget(string gatewayId) => gateways.TryRemove(gatewayId, out _);

    /// <summary>Drops every gateway not in <paramref name="gatewayIds"/> (removed through this or another instance).</summary>
    public void RetainOnly(IReadOnlyCollection<string> gatewayIds)
    {
        var keep = gatewayIds.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var id in gateways.Keys)
        {
            if (!keep.Contains(id))
            {
                gateways.TryRemove(id, out _);
            }
        }
    }

    private sealed record Entry(long Revision, string? Hash, byte[] Bytes);
}
