using System.Globalization;
using System.Security.Cryptography;

namespace EdgeGateway.Backup;

/// <summary>
/// Where backups live: <c>gateways/{gatewayId}/snapshots/{revision:D19}-{content hash}.json</c>. Immutable
/// objects, one per applied content, whose names sort by revision.
/// </summary>
internal static class BackupNames
{
    public const string DefaultGatewayId = "default";

    public static string Prefix(string gatewayId) => $"gateways/{gatewayId}/snapshots/";

    /// <summary>The plane's latest signed confirmation for this gateway: one object, replaced, outside the snapshot prefix.</summary>
    public static string Confirmation(string gatewayId) => $"gateways/{gatewayId}/confirmation.json";

    public static string For(string gatewayId, long revision, ReadOnlySpan<byte> content) =>
        $"{Prefix(gatewayId)}{revision.ToString("D19", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 6))}.json";

    public static bool TryParseRevision(string key, out long revision)
    {
        revision = 0;
        var name = key[(key.LastIndexOf('/') + 1)..];
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash == 19 && name.EndsWith(".json", StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out revision);
    }
}
