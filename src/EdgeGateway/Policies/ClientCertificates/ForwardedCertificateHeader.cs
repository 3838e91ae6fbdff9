using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;

namespace EdgeGateway.Policies.ClientCertificates;

/// <summary>
/// The client certificate a TLS-ending proxy put in a request header, as DER bytes. Two shapes, told apart by how the value
/// starts: a bare certificate (a URL-encoded PEM: nginx's <c>$ssl_client_escaped_cert</c>, AWS ALB's
/// <c>X-Amzn-Mtls-Clientcert</c>; or base64 DER: App Service's <c>X-ARR-ClientCert</c>, Traefik), or Envoy's
/// <c>X-Forwarded-Client-Cert</c> (Azure Container Apps' ingress): comma-separated elements, one per TLS-ending hop, each
/// of semicolon-separated <c>Key=Value</c> pairs, values double-quoted when they hold <c>,</c> <c>;</c> or <c>=</c> (a quote
/// inside escaped as <c>\"</c>). Only the last element counts: the one the nearest proxy, the trusted one, appended for
/// the client it saw; its <c>Cert</c> is a URL-encoded PEM. A result, never an exception: whatever does not parse is
/// "no certificate" with the reason, for a debug log line.
/// </summary>
internal static class ForwardedCertificateHeader
{
    /// <summary>The most characters read: a certificate with a long chain in <c>Chain</c> fits; more is refused unread.</summary>
    public const int MaxLength = 16 * 1024;

    private const string PemLabel = "CERTIFICATE";

    /// <summary>The certificate's DER bytes, or null with <paramref name="problem"/> saying why not.</summary>
    public static byte[]? Parse(StringValues lines, out string? problem)
    {
        var length = 0;
        foreach (var line in lines)
        {
            length += (line?.Length ?? 0) + 1;
        }

        if (length - 1 > MaxLength)
        {
            problem = $"the header is longer than {MaxLength} characters";
            return null;
        }

        // Several header lines are one comma-separated list (RFC 9110 §5.3).
        var value = (lines.Count == 1 ? lines[0] ?? string.Empty : string.Join(',', lines.ToArray())).AsSpan().Trim(" \t");
        if (value.IsEmpty)
        {
            problem = "the header is empty";
            return null;
        }

        if (value.StartsWith("-----", StringComparison.Ordinal) || value.StartsWith("%2D", StringComparison.OrdinalIgnoreCase))
        {
            return lines.Count == 1 ? Pem(value, out problem) : Fail("a bare certificate came in several header lines", out problem);
        }

        if (value.StartsWith("MII", StringComparison.Ordinal))
        {
            return Der(value, out problem);
        }

        return Envoy(value, out problem);
    }

    /// <summary>The <c>Cert</c> of the last element of an <c>X-Forwarded-Client-Cert</c> value.</summary>
    private static byte[]? Envoy(ReadOnlySpan<char> value, out string? problem)
    {
        // The last comma outside quotes starts the last element.
        var start = 0;
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            switch (value[i])
            {
                case '\\' when quoted:
                    i++;
                    break;
                case '"':
                    quoted = !quoted;
                    break;
                case ',' when !quoted:
                    start = i + 1;
                    break;
            }
        }

        if (quoted)
        {
            return Fail("a quoted value is not closed", out problem);
        }

        var element = value[start..];
        while (!element.IsEmpty)
        {
            var end = PairEnd(element);
            var pair = element[..end].Trim(" \t");
            element = end < element.Length ? element[(end + 1)..] : [];
            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                return Fail("an element holds a part that is not Key=Value", out problem);
            }

            if (!pair[..equals].Trim(" \t").Equals("Cert", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var text = pair[(equals + 1)..].Trim(" \t");
            if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
            {
                text = text[1..^1].ToString().Replace("\\\"", "\"", StringComparison.Ordinal);
            }

            return Pem(text, out problem);
        }

        return Fail("the last element has no Cert", out problem);
    }

    /// <summary>Where the pair that starts <paramref name="element"/> ends: the first ';' outside quotes.</summary>
    private static int PairEnd(ReadOnlySpan<char> element)
    {
        var quoted = false;
        for (var i = 0; i < element.Length; i++)
        {
            switch (element[i])
            {
                case '\\' when quoted:
                    i++;
                    break;
                case '"':
                    quoted = !quoted;
                    break;
                case ';' when !quoted:
                    return i;
            }
        }

        return element.Length;
    }

    /// <summary>A URL-encoded PEM certificate ('+' stays '+': it is base64, AWS leaves it unescaped).</summary>
    private static byte[]? Pem(ReadOnlySpan<char> encoded, out string? problem)
    {
        var pem = Uri.UnescapeDataString(encoded);
        if (!PemEncoding.TryFind(pem, out var fields) || pem.AsSpan()[fields.Label] is not PemLabel)
        {
            return Fail("the certificate is not a PEM CERTIFICATE", out problem);
        }

        var der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(pem.AsSpan()[fields.Base64Data], der, out var written))
        {
            return Fail("the certificate's base64 does not decode", out problem);
        }

        problem = null;
        return written == der.Length ? der : der[..written];
    }

    /// <summary>Base64 DER, as App Service's <c>X-ARR-ClientCert</c>.</summary>
    private static byte[]? Der(ReadOnlySpan<char> base64, out string? problem)
    {
        var der = new byte[base64.Length / 4 * 3];
        if (!Convert.TryFromBase64Chars(base64, der, out var written))
        {
            return Fail("the certificate's base64 does not decode", out problem);
        }

        problem = null;
        return der[..written];
    }

    private static byte[]? Fail(string reason, out string? problem)
    {
        problem = reason;
        return null;
    }
}
