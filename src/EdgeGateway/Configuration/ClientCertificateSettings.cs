using System.Security.Cryptography;
using EdgeGateway.Policies.ClientCertificates;

namespace EdgeGateway.Configuration;

/// <summary><c>Gateway:Tls:ClientCaPath</c> and <c>Gateway:Tls:ClientCertificates</c>, checked at start with messages naming the setting.</summary>
internal static class ClientCertificateSettings
{
    public static readonly string[] Modes = ["auto", "always", "never"];

    /// <summary>The mode as given (<c>auto</c> when unset); valid once <see cref="Read"/> passed.</summary>
    public static string Mode(TlsOptions tls) => string.IsNullOrWhiteSpace(tls.ClientCertificates) ? "auto" : tls.ClientCertificates.Trim().ToLowerInvariant();

    public static ClientCertificateTrust Read(TlsOptions tls, List<string> errors)
    {
        if (!Modes.Contains(Mode(tls)))
        {
            errors.Add($"Gateway:Tls:ClientCertificates '{tls.ClientCertificates}' is not one of {string.Join(", ", Modes)}");
        }

        if (string.IsNullOrWhiteSpace(tls.ClientCaPath))
        {
            return ClientCertificateTrust.SystemOnly;
        }

        try
        {
            return ClientCertificateTrust.Load(tls.ClientCaPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            errors.Add($"Gateway:Tls:ClientCaPath '{tls.ClientCaPath}' is not a readable PEM bundle of CA certificates: {ex.Message}");
            return ClientCertificateTrust.SystemOnly;
        }
    }
}
