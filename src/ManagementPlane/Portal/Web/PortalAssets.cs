using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ManagementPlane.Portal.Web;

/// <summary>
/// The portal's CSS, JS and renderer files, embedded in the binary (nothing on disk, nothing external). Each is read
/// and hashed on its first request only (cold start stays cheap); URLs carry the hash, so responses are immutable.
/// </summary>
internal static class PortalAssets
{
    /// <summary>Where assets are served: <c>/portal/assets/{name}</c>.</summary>
    public const string Prefix = "/portal/assets/";

    private const string ResourcePrefix = "PortalAssets/";

    private static readonly ConcurrentDictionary<string, Asset?> Loaded = new(StringComparer.Ordinal);

    /// <summary>An embedded asset: its bytes, media type and strong ETag (a hash of the bytes).</summary>
    internal sealed record Asset(byte[] Content, string ContentType, string ETag, string Version);

    /// <summary>The URL of <paramref name="name"/> with its version, for a page to reference; the version changes when the bytes do.</summary>
    public static string Url(string name) =>
        Get(name) is { } asset ? $"{Prefix}{name}?v={asset.Version}" : Prefix + name;

    /// <summary>The asset called <paramref name="name"/> (a path under Assets/, for example <c>portal.css</c>), or null.</summary>
    public static Asset? Get(string name) => Loaded.GetOrAdd(name, Load);

    private static Asset? Load(string name)
    {
        if (name.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        using var stream = typeof(PortalAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name);
        if (stream is null)
        {
            return null;
        }

        var content = new byte[stream.Length];
        stream.ReadExactly(content);
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        return new Asset(content, ContentTypeOf(name), $"\"{hash[..32]}\"", hash[..12]);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".woff2" => "font/woff2",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}
