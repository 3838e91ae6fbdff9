using System.Security.Cryptography;
using System.Text;

namespace ManagementPlane.State;

/// <summary>
/// AES-256-GCM for secrets at rest: "v1." + base64(nonce | tag | ciphertext). The purpose ("subscriptions/s1/primary")
/// is bound as associated data, so a ciphertext cannot be moved to another field.
/// </summary>
internal sealed class SecretProtector(KeyRing keys)
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

        var data = Convert.FromBase64String(protectedValue[Prefix.Length..]);
        if (data.Length < NonceSize + TagSize)
        {
            return null;
        }

        var plain = new byte[data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(keys.EncryptionKey, TagSize);
        try
        {
            aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(purpose));
        }
        catch (AuthenticationTagMismatchException)
        {
            // Wrong Management:EncryptionKey or a tampered store: treat as absent, never crash a request.
            return null;
        }

        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>A new random key, 32 bytes, base64url without padding (fits headers and query strings).</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
