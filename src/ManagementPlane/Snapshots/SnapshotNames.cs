using System.Globalization;

namespace ManagementPlane.Snapshots;

/// <summary>
/// Where the plane keeps each gateway's signed snapshot in its store: <c>snapshots/{gatewayId}/{revision:D19}.json</c>
/// (the gateway id lower-cased, as ids are case-insensitive). The content is the flattened JWS a gateway receives and
/// backs up; the names sort by revision.
/// </summary>
internal static class SnapshotNames
{
    public static string Prefix(string gatewayId) => $"snapshots/{gatewayId.ToLowerInvariant()}/";

    public static string For(string gatewayId, long revision) =>
        $"{Prefix(gatewayId)}{revision.ToString("D19", CultureInfo.InvariantCulture)}.json";

    public static bool TryParseRevision(string key, out long revision)
    {
        revision = 0;
        var name = key[(key.LastIndexOf('/') + 1)..];
        return name.Length == 24 && name.EndsWith(".json", StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture, out revision);
    }
}
