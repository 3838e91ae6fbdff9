using System.Security.Cryptography;
using EdgeGateway.Policies.ClientCertificates;

namespace EdgeGateway.Configuration;

/// <summary><c>Gateway:Tls:ClientCaPath</c>, <c>Gateway:Tls:ClientCertificates</c> and <c>Gateway:Tls:ForwardedClientCertificateHeader</c>, checked at start with messages naming the setting.</summary>
internal static class ClientCertificateSettings
{
    public static readonly string[] Modes = ["auto", "always", "never"];

    /// <summary>What a header name may hold: RFC 9110's token characters.</summary>
    private static readonly System.Buffers.SearchValues<char> TokenCharacters =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>The mode as given (<c>auto</c> when unset); valid once <see cref="Read"/> passed.</summary>
    public static string Mode(TlsOptions tls) => string.IsNullOrWhiteSpace(tls.ClientCertificates) ? "auto" : tls.ClientCertificates.Trim().ToLowerInvariant();

    /// <summary><c>Gateway:Tls:ForwardedClientCertificateHeader</c> trimmed (null when off), or an error when it is not a header name (an RFC 9110 token).</summary>
    public static string? ForwardedHeader(TlsOptions tls, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(tls.ForwardedClientCertificateHeader))
        {
            return null;
        }

        var name = tls.ForwardedClientCertificateHeader.Trim();
        if (name.AsSpan().ContainsAnyExcept(TokenCharacters))
        {
            errors.Add($"Gateway:Tls:ForwardedClientCertificateHeader '{tls.ForwardedClientCertificateHeader}' is not a header name "
                + "(letters, digits and !#$%&'*+-.^_`|~, like X-Forwarded-Client-Cert)");
            return null;
        }

        return name;
    }

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
