using System.Security.Cryptography;

namespace Backup.Providers.Disk;

/// <summary>The disk store's ETag: a hash of the content, so equal bytes give equal ETags in every process.</summary>
internal static class ContentETag
{
    public static string Compute(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, hash);
        return $"\"{Convert.ToHexStringLower(hash[..16])}\"";
    }
}
