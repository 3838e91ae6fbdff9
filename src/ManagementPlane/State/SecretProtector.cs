using System.Security.Cryptography;
using System.Text;

namespace ManagementPlane.State;

/// <summary>
/// AES-256-GCM for secrets at rest: "v1." + base64(nonce | tag | ciphertext). The purpose ("subscriptions/s1/primary")
/// is bound as associated data, so a ciphertext cannot be moved to another field.
/// </summary>
internal sealed partial class SecretProtector(KeyRing keys, ILogger<SecretProtector> logger)
{
    private const string Prefix = "v1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public string Protect(string plaintext, string purpose)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys.EncryptionKey, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(purpose));
        return Prefix + Convert.ToBase64String(output);
    }

    public string? Unprotect(string? protectedValue, string purpose)
    {
        if (protectedValue is null || !protectedValue.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        // A damaged stored value is one unreadable secret, never a failed request: treated as absent, and said in the log.
        var data = new byte[(protectedValue.Length - Prefix.Length) * 3 / 4];
        if (!Convert.TryFromBase64Chars(protectedValue.AsSpan(Prefix.Length), data, out var length) || length < NonceSize + TagSize)
        {
            LogUnreadable(logger, purpose, "damaged");
            return null;
        }

        data = data[..length];

        var plain = new byte[data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(keys.EncryptionKey, TagSize);
        try
        {
            aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(purpose));
        }
        catch (AuthenticationTagMismatchException)
        {
            // Wrong Management:EncryptionKey or a tampered store: treat as absent, never crash a request.
            LogUnreadable(logger, purpose, "written under another Management:EncryptionKey, or tampered with");
            return null;
        }

        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>
    /// A whole object sealed for the store: "EGS1" | nonce | tag | ciphertext, with <paramref name="purpose"/> (its object
    /// name) as associated data, so a sealed object cannot be moved under another name.
    /// </summary>
    public byte[] Seal(ReadOnlySpan<byte> plain, string purpose)
    {
        var output = new byte[SealMagic.Length + NonceSize + TagSize + plain.Length];
        SealMagic.CopyTo(output);
        var nonce = output.AsSpan(SealMagic.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys.EncryptionKey, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(SealMagic.Length + NonceSize + TagSize), output.AsSpan(SealMagic.Length + NonceSize, TagSize), Encoding.UTF8.GetBytes(purpose));
        return output;
    }

    public static bool IsSealed(ReadOnlySpan<byte> content) => content.StartsWith(SealMagic);

    /// <summary>What <see cref="Seal"/> sealed under <paramref name="purpose"/>, or null (another key, another name, changed or truncated).</summary>
    public byte[]? Unseal(ReadOnlySpan<byte> content, string purpose)
    {
        var header = SealMagic.Length + NonceSize + TagSize;
        if (!IsSealed(content) || content.Length < header)
        {
            return null;
        }

        var plain = new byte[content.Length - header];
        using var aes = new AesGcm(keys.EncryptionKey, TagSize);
        try
        {
            aes.Decrypt(content.Slice(SealMagic.Length, NonceSize), content[header..], content.Slice(SealMagic.Length + NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(purpose));
            return plain;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static ReadOnlySpan<byte> SealMagic => "EGS1"u8;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored secret {Purpose} cannot be decrypted ({Reason}): treated as absent until it is set or regenerated")]
    private static partial void LogUnreadable(ILogger logger, string purpose, string reason);

    /// <summary>A new random key, 32 bytes, base64url without padding (fits headers and query strings).</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
