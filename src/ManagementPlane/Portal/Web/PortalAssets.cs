using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;

namespace ManagementPlane.Portal.Web;

/// <summary>
/// The portal's CSS, JS and the API reference renderer, all inside the binary (nothing on disk, nothing external).
/// Each asset is read and hashed on its first request only, so a cold start does no work for them; page URLs carry
/// the hash (<see cref="Url"/>), so a response for a versioned URL is cacheable for good.
/// </summary>
internal static class PortalAssets
{
    /// <summary>Where assets are served: <c>/portal/assets/{name}</c>.</summary>
    public const string Prefix = "/portal/assets/";

    /// <summary>Scalar's standalone API reference bundle, taken from the Scalar.AspNetCore package's own embedded copy.</summary>
    public const string ScalarBundle = "scalar.js";

    private const string ResourcePrefix = "PortalAssets/";

    private static readonly ConcurrentDictionary<string, Asset?> Loaded = new(StringComparer.Ordinal);

    /// <summary>An asset: its bytes (and a gzip copy when the source is compressed), media type, strong ETag and URL version.</summary>
    internal sealed record Asset(byte[] Content, byte[]? Gzip, string ContentType, string ETag, string Version);

    /// <summary>The URL of <paramref name="name"/> with its version, for a page to reference; the version changes when the bytes do.</summary>
    public static string Url(string name) =>
        Get(name) is { } asset ? $"{Prefix}{name}?v={asset.Version}" : Prefix + name;

    /// <summary>The asset called <paramref name="name"/> (a file name under Portal/Web/Assets, or <see cref="ScalarBundle"/>), or null.</summary>
    public static Asset? Get(string name) => Loaded.GetOrAdd(name, Load);

    private static Asset? Load(string name)
    {
        if (name == ScalarBundle)
        {
            return LoadScalar();
        }

        if (name.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        using var stream = typeof(PortalAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name);
        return stream is null ? null : Create(name, ReadAll(stream), gzip: null);
    }

    /// <summary>
    /// Scalar.AspNetCore embeds its bundle gzip-compressed (a resource ending in "scalar.js"); serve those bytes as they
    /// are to browsers that accept gzip (all do), and the expanded copy otherwise. Only the bundle is used, not Scalar's
    /// endpoints: the portal writes its own page and configuration (no fonts, telemetry or proxy from scalar.com).
    /// </summary>
    private static Asset? LoadScalar()
    {
        var assembly = typeof(Scalar.AspNetCore.ScalarOptions).Assembly;
        var resource = assembly.GetManifestResourceNames()
            .FirstOrDefault(n => n.EndsWith("." + ScalarBundle, StringComparison.Ordinal) && !n.EndsWith("aspnetcore.js", StringComparison.Ordinal));
        if (resource is null)
        {
            return null;
        }

        using var stream = assembly.GetManifestResourceStream(resource)!;
        var raw = ReadAll(stream);
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b)
        {
            return Create(ScalarBundle, raw, gzip: null);
        }

        using var expanded = new MemoryStream();
        using (var gunzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress))
        {
            gunzip.CopyTo(expanded);
        }

        return Create(ScalarBundle, expanded.ToArray(), raw);
    }

    private static Asset Create(string name, byte[] content, byte[]? gzip)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        return new Asset(content, gzip, ContentTypeOf(name), $"\"{hash[..32]}\"", hash[..12]);
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".woff2" => "font/woff2",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}
