using System.Net;

namespace EdgeGateway.Contracts.Policies;

/// <summary>
/// Where validate-jwt may fetch an OpenID Connect document or key set from: HTTPS, or plain HTTP to a loopback host (tests,
/// sidecars). One rule for both planes at load and for the gateway at fetch time (a document's jwks_uri too).
/// </summary>
public static class JwtMetadataUrl
{
    /// <summary>Null when <paramref name="url"/> may be fetched, else why not (names the URL, which is no secret).</summary>
    public static string? Check(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"'{url}' is not an absolute http(s) URL";
        }

        return uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri)
            ? $"'{url}' uses plain http:// to a host that is not loopback; metadata and keys must come over https:// (http:// only for localhost, 127.0.0.0/8 or ::1)"
            : null;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost, out var address) && IPAddress.IsLoopback(address));
}
