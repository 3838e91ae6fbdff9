using System.Text;

namespace EdgeGateway.Telemetry;

/// <summary>
/// The request URL as the access log shows it: scheme, host, path and query, without the query parameters that carry
/// credentials: the API's subscription-key parameter, every other key parameter name the applied config uses (a request
/// that matched no API may still carry a key under its API's custom name), APIM's default name and OAuth's <c>access_token</c>.
/// </summary>
internal static class AccessLogUrl
{
    public static string Of(HttpRequest request, string? keyQuery, IReadOnlySet<string>? keyQueries = null)
    {
        var query = request.QueryString.Value;
        var path = request.PathBase.Value + request.Path.Value;
        var baseUrl = string.Concat(request.Scheme, "://", request.Host.Value, path);
        return string.IsNullOrEmpty(query) ? baseUrl : baseUrl + Filter(query, keyQuery, keyQueries);
    }

    /// <summary>The query (with its '?') without the credential parameters; empty when nothing else remains.</summary>
    internal static string Filter(string query, string? keyQuery, IReadOnlySet<string>? keyQueries = null)
    {
        var builder = new StringBuilder(query.Length);
        foreach (var part in query.TrimStart('?').Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var name = Uri.UnescapeDataString(part.Split('=', 2)[0].Replace('+', ' '));
            if (name.Equals(keyQuery, StringComparison.OrdinalIgnoreCase)
                || name.Equals(Routing.ApiRoute.DefaultKeyQuery, StringComparison.OrdinalIgnoreCase)
                || name.Equals("access_token", StringComparison.OrdinalIgnoreCase)
                || keyQueries?.Contains(name) == true)
            {
                continue;
            }

            builder.Append(builder.Length == 0 ? '?' : '&').Append(part);
        }

        return builder.ToString();
    }
}
