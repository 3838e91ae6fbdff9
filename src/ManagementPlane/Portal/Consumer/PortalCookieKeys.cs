using System.Security.Cryptography;
using System.Text;
using ManagementPlane.State;

namespace ManagementPlane.Portal.Consumer;

/// <summary>
/// The HMAC keys of the portal's cookies, derived (HKDF-SHA256) from the plane's <c>Management:EncryptionKey</c>.
/// Every instance sharing a store has that key, so a session issued by one instance is valid on the others and after a
/// restart, without a key ring of its own to create, store and agree on. One key per purpose, so a session MAC is never
/// an anti-forgery token. Changing the encryption key ends every session (as it makes every stored secret unreadable).
/// </summary>
internal sealed class PortalCookieKeys(KeyRing keys)
{
    private byte[]? session;
    private byte[]? antiforgery;

    public byte[] Session => session ??= Derive("EdgeGateway portal session v1");

    public byte[] Antiforgery => antiforgery ??= Derive("EdgeGateway portal antiforgery v1");

    /// <summary>HMAC-SHA256 of <paramref name="data"/> under <paramref name="key"/>, base64url.</summary>
    public static string Mac(byte[] key, string data) => UrlBase64.Encode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data)));

    /// <summary>Compares two MACs in constant time (for equal lengths).</summary>
    public static bool Same(string expected, string? given) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));

    /// <summary>A new random nonce, 16 bytes, base64url.</summary>
    public static string Nonce() => UrlBase64.Encode(RandomNumberGenerator.GetBytes(16));

    private byte[] Derive(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, keys.EncryptionKey, 32, salt: [], info: Encoding.UTF8.GetBytes(purpose));
}

/// <summary>base64url without padding: cookie- and form-safe.</summary>
internal static class UrlBase64
{
    public static string Encode(ReadOnlySpan<byte> data) => System.Buffers.Text.Base64Url.EncodeToString(data);

    public static byte[]? Decode(string text)
    {
        try
        {
            return System.Buffers.Text.Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
