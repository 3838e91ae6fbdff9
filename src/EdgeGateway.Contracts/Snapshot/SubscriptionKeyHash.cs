using System.Security.Cryptography;
using System.Text;

namespace EdgeGateway.Contracts.Snapshot;

/// <summary>How subscription keys are stored and shipped: base64 SHA-256 of the UTF-8 key (keys are random, so no salt is needed).</summary>
public static class SubscriptionKeyHash
{
    public const int HashLength = 32;

    public static string Compute(string key) => Convert.ToBase64String(ComputeBytes(key));

    public static byte[] ComputeBytes(string key)
    {
        var hash = new byte[HashLength];
        Compute(key, hash);
        return hash;
    }

    /// <summary>The hash into <paramref name="destination"/> (<see cref="HashLength"/> bytes): no allocation for keys up to 512 UTF-8 bytes.</summary>
    public static void Compute(string key, Span<byte> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        Span<byte> utf8 = max <= 512 ? stackalloc byte[max] : new byte[max];
        var written = Encoding.UTF8.GetBytes(key, utf8);
        SHA256.HashData(utf8[..written], destination);
    }

    public static bool TryDecode(string? hash, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(hash))
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[HashLength + 2];
        if (!Convert.TryFromBase64String(hash, buffer, out var written) || written != HashLength)
        {
            return false;
        }

        bytes = buffer[..HashLength].ToArray();
        return true;
    }
}
