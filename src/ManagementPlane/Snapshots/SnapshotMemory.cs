using System.Collections.Concurrent;

namespace ManagementPlane.Snapshots;

/// <summary>
/// Signed snapshot bytes this instance holds, per gateway: the newest two revisions (a gateway may still ask for the
/// previous one while this instance's view of the state catches up).
/// </summary>
internal sealed class SnapshotMemory
{
    private const int KeepPerGateway = 2;
    private readonly ConcurrentDictionary<string, Entry[]> gateways = new(StringComparer.OrdinalIgnoreCase);

    public byte[]? Get(string gatewayId, long revision) =>
        gateways.TryGetValue(gatewayId, out var entries) ? Array.Find(entries, e => e.Revision == revision)?.Bytes : null;

    public void Put(string gatewayId, long revision, byte[] bytes) =>
        gateways.AddOrUpdate(gatewayId, static (_, added) => [added], static (_, entries, added) =>
                entries.Where(e => e.Revision != added.Revision).Append(added).OrderByDescending(e => e.Revision).Take(KeepPerGateway).ToArray(),
            new Entry(revision, bytes));

    public void Forget(string gatewayId) => gateways.TryRemove(gatewayId, out _);

    private sealed record Entry(long Revision, byte[] Bytes);
}
