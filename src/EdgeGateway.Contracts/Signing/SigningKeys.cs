using System.Buffers.Text;
using System.Security.Cryptography;

namespace EdgeGateway.Contracts.Signing;

/// <summary>ECDSA P-256 key handling: PEM in and out, and a key id derived from the public key.</summary>
public static class SigningKeys
{
    public static ECDsa Generate() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static string ExportPrivatePem(ECDsa key) => key.ExportPkcs8PrivateKeyPem();

    public static string ExportPublicPem(ECDsa key) => key.ExportSubjectPublicKeyInfoPem() + "\n";

    /// <summary>Loads a PEM key (public or private); the message says what is wrong without echoing the key.</summary>
    public static bool TryImport(string pem, out ECDsa? key, out string? error)
    {
        key = null;
        error = null;
        if (string.IsNullOrWhiteSpace(pem) || !pem.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            error = "is not PEM text (expected '-----BEGIN PUBLIC KEY-----' …)";
            return false;
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem.Replace("\\n", "\n", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            ecdsa.Dispose();
            error = "is not an ECDSA P-256 key in PEM form";
            return false;
        }

        if (ecdsa.KeySize != 256)
        {
            ecdsa.Dispose();
            error = "must be an ECDSA P-256 key";
            return false;
        }

        key = ecdsa;
        return true;
    }

    /// <summary>First 16 bytes of SHA-256 over the SubjectPublicKeyInfo, base64url: stable across PEM formatting.</summary>
    public static string KeyId(ECDsa key)
    {
        var spki = key.ExportSubjectPublicKeyInfo();
        return Base64Url.EncodeToString(SHA256.HashData(spki).AsSpan(0, 16));
    }
}
