using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeGateway.Contracts.Policies;

/// <summary>
/// How validate-client-certificate's identities are read, once, by both planes: thumbprints and serial numbers as hex
/// (spaces and colons dropped, case and leading zeros ignored), and distinguished names as their relative names, so that
/// <c>CN=a, O=b</c> matches a certificate whatever string encoding or order (forward or reversed) it was issued with.
/// </summary>
public static class ClientCertificateNames
{
    /// <summary>The attributes an identity may hold (APIM's, camel-cased); issuerCertificateId is refused for now.</summary>
    public static readonly string[] IdentityAttributes =
        ["thumbprint", "serialNumber", "commonName", "subject", "dnsName", "issuerSubject", "issuerThumbprint", "issuerCertificateId"];

    /// <summary>A SHA-1 thumbprint as upper-case hex (40 digits), or null with why not.</summary>
    public static string? Thumbprint(string text, out string? problem)
    {
        var hex = Hex(text);
        problem = hex is { Length: 40 } ? null : "expected a SHA-1 thumbprint: 40 hex digits (spaces and colons allowed)";
        return problem is null ? hex : null;
    }

    /// <summary>A serial number as upper-case hex without leading zeros, or null with why not.</summary>
    public static string? SerialNumber(string text, out string? problem)
    {
        var hex = Hex(text)?.TrimStart('0');
        problem = hex is { Length: > 0 and <= 40 } ? null : "expected a serial number: up to 20 bytes as hex digits (spaces and colons allowed)";
        return problem is null ? hex : null;
    }

    /// <summary>A certificate's serial number (<see cref="X509Certificate2.SerialNumber"/>) in the form <see cref="SerialNumber"/> gives.</summary>
    public static string SerialOf(X509Certificate2 certificate) => certificate.SerialNumber.TrimStart('0').ToUpperInvariant();

    /// <summary>A distinguished name like <c>CN=client, O="Contoso, Inc.", C=US</c> as its relative names, or null with why not.</summary>
    public static string[]? DistinguishedName(string text, out string? problem)
    {
        try
        {
            var names = RelativeNames(new X500DistinguishedName(text));
            problem = names.Length > 0 ? null : "expected a distinguished name like \"CN=client, O=Contoso\"";
            return problem is null ? names : null;
        }
        catch (CryptographicException)
        {
            problem = "is not a distinguished name like \"CN=client, O=\\\"Contoso, Inc.\\\"\" (quote values that hold commas)";
            return null;
        }
    }

    /// <summary>The relative names of <paramref name="name"/>, in encoded order, each <c>oid=value</c> with the value upper-cased.</summary>
    public static string[] RelativeNames(X500DistinguishedName name)
    {
        var names = new List<string>();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            names.Add(rdn.HasMultipleElements
                ? Convert.ToHexString(rdn.RawData.Span)
                : $"{rdn.GetSingleElementType().Value}={rdn.GetSingleElementValue()?.Trim().ToUpperInvariant()}");
        }

        return [.. names];
    }

    /// <summary>Whether two names hold the same relative names, in the same order or reversed (names are written both ways).</summary>
    public static bool SameName(string[] expected, string[] actual)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }

        var forward = true;
        var reversed = true;
        for (var i = 0; i < expected.Length; i++)
        {
            forward &= string.Equals(expected[i], actual[i], StringComparison.Ordinal);
            reversed &= string.Equals(expected[i], actual[^(i + 1)], StringComparison.Ordinal);
        }

        return forward || reversed;
    }

    private static string? Hex(string text)
    {
        var chars = new List<char>(text.Length);
        foreach (var c in text)
        {
            if (c is ' ' or ':' or '\u200e')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c))
            {
                return null;
            }

            chars.Add(char.ToUpperInvariant(c));
        }

        return new string([.. chars]);
    }
}
