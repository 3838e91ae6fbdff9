using System.Security.Cryptography;
using System.Text;

namespace EdgeGateway.Backup;

/// <summary>
/// Optional encryption at rest (<c>Backup:EncryptionKey</c>): AES-256-GCM, the object key as associated data
/// so a backup cannot be passed off under another name. Layout: "EGB1" | nonce (12) | tag (16) | ciphertext.
/// The key is 32 bytes in base64 (fastest start), or a passphrase stretched with PBKDF2-SHA256 (100,000
/// iterations, salted with the gateway id: ~tens of ms at start, and an offline guess costs as much).
/// </summary>
internal sealed class BackupCipher
{
    private static readonly byte[] Magic = "EGB1"u8.ToArray();
    private readonly byte[] key;

    private BackupCipher(byte[] key) => this.key = key;

    public const int PassphraseIterations = 100_000;

    public static BackupCipher? FromSetting(string? setting, string gatewayId)
    {
        if (string.IsNullOrEmpty(setting))
        {
            return null;
        }

        Span<byte> decoded = stackalloc byte[48];
        var key = Convert.TryFromBase64String(setting, decoded, out var written) && written == 32
            ? decoded[..32].ToArray()
            : Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(setting), Encoding.UTF8.GetBytes("edgegateway-backup-v1:" + gatewayId),
                PassphraseIterations, HashAlgorithmName.SHA256, 32);
        return new BackupCipher(key);
    }

    public static bool LooksEncrypted(ReadOnlySpan<byte> content) => content.StartsWith(Magic);

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, string objectKey)
    {
        var output = new byte[Magic.Length + 12 + 16 + plaintext.Length];
        Magic.CopyTo(output, 0);
        var nonce = output.AsSpan(4, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plaintext, output.AsSpan(32), output.AsSpan(16, 16), Encoding.UTF8.GetBytes(objectKey));
        return output;
    }

    /// <summary>Null when the content was not encrypted with this key for this object (wrong key, tampered, truncated).</summary>
    public byte[]? Decrypt(ReadOnlySpan<byte> content, string objectKey)
    {
        if (content.Length < 32 || !LooksEncrypted(content))
        {
            return null;
        }

        var plaintext = new byte[content.Length - 32];
        try
        {
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(content.Slice(4, 12), content[32..], content.Slice(16, 16), plaintext, Encoding.UTF8.GetBytes(objectKey));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
