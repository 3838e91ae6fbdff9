using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeGateway.Contracts.Certificates;

/// <summary>
/// Reads a client certificate with its private key from PFX or PEM, once, for both planes: the management plane when one
/// is uploaded, the gateway when a snapshot or a standalone file names one. A failure is a message a user can act on
/// (never the password, never key material), not an exception.
/// </summary>
public static class ClientCertificateLoader
{
    /// <summary>A PKCS#12 (PFX) file's certificate; <paramref name="password"/> null or empty for none.</summary>
    public static CertificateLoad FromPfx(ReadOnlySpan<byte> data, string? password)
    {
        if (data.IsEmpty)
        {
            return CertificateLoad.Failed("the PFX is empty");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12(data, password, X509KeyStorageFlags.Exportable, Pkcs12LoaderLimits.Defaults);
        }
        catch (CryptographicException ex) when (LooksLikeWrongPassword(ex))
        {
            return CertificateLoad.Failed(string.IsNullOrEmpty(password)
                ? "the PFX is protected by a password: give it ('password')"
                : "the PFX cannot be opened with this password (wrong password)");
        }
        catch (CryptographicException)
        {
            return CertificateLoad.Failed("not a PFX (PKCS#12) certificate");
        }

        return WithKey(certificate);
    }

    /// <summary>
    /// A PEM certificate and its PEM private key (PKCS#8, RSA or EC; unencrypted). Without <paramref name="keyPem"/>, a key
    /// in <paramref name="certificatePem"/> itself (one file holding both, as many tools write them).
    /// </summary>
    public static CertificateLoad FromPem(string certificatePem, string? keyPem)
    {
        if (string.IsNullOrWhiteSpace(keyPem) && certificatePem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            keyPem = certificatePem;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certificatePem);
        }
        catch (CryptographicException)
        {
            return CertificateLoad.Failed("not a PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        }

        if (string.IsNullOrWhiteSpace(keyPem))
        {
            if (certificate.HasPrivateKey)
            {
                return WithKey(certificate);
            }

            certificate.Dispose();
            return CertificateLoad.Failed("no private key: give the certificate's key too (PEM)");
        }

        try
        {
            using var pem = certificate;
            certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (CryptographicException)
        {
            return CertificateLoad.Failed("the private key is not a PEM key (PKCS#8, RSA or EC, unencrypted) that matches the certificate");
        }
        catch (ArgumentException)
        {
            return CertificateLoad.Failed("the private key is not a PEM key (PKCS#8, RSA or EC, unencrypted) that matches the certificate");
        }

        return WithKey(certificate);
    }

    /// <summary>
    /// The certificate as a PFX without password, its key included: what the plane stores (encrypted) and sends, and what
    /// the gateway loads. A PEM-made key is ephemeral; a PFX round trip makes it one TLS can use on every platform.
    /// </summary>
    public static byte[] ToPfx(X509Certificate2 certificate) => certificate.Export(X509ContentType.Pfx);

    private static CertificateLoad WithKey(X509Certificate2 certificate)
    {
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            return CertificateLoad.Failed("no private key: a client certificate must carry its private key");
        }

        return new CertificateLoad(certificate, null);
    }

    /// <summary>.NET says "password" in the message of the exception a wrong (or missing) PFX password raises (Linux and Windows alike).</summary>
    private static bool LooksLikeWrongPassword(CryptographicException ex) =>
        ex.Message.Contains("password", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A loaded certificate (the caller disposes it), or why none could be loaded.</summary>
public sealed record CertificateLoad(X509Certificate2? Certificate, string? Error)
{
    public static CertificateLoad Failed(string error) => new(null, error);
}
