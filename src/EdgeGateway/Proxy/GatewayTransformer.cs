using Yarp.ReverseProxy.Forwarder;

namespace EdgeGateway.Proxy;

/// <summary>
/// Rewrites the outgoing request as APIM does: backend URL + the path after the API prefix + the query
/// (without the subscription key, which never reaches a backend), plus X-Forwarded-* headers.
/// </summary>
internal sealed class GatewayTransformer : HttpTransformer
{
    public static readonly GatewayTransformer Instance = new();

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest,
        string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var state = httpContext.Features.Get<ProxyRequestState>()!;
        var request = httpContext.Request;

        var query = request.QueryString;
        if (state.KeyInQuery)
        {
            query = WithoutParameter(query, state.KeyQuery);
        }

        proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, new PathString(state.Remainder), query);
        proxyRequest.Headers.Remove(state.KeyHeader);

        // As APIM does: the backend sees its own host name (name-based virtual hosts and TLS SNI need it);
        // the client's host travels in X-Forwarded-Host.
        proxyRequest.Headers.Host = null;

        // YARP's defaults: append the client to X-Forwarded-For, set the others (a client must not spoof them).
        var headers = proxyRequest.Headers;
        var clientIp = httpContext.Connection.RemoteIpAddress?.ToString();
        if (clientIp is not null)
        {
            var existing = request.Headers["X-Forwarded-For"];
            headers.Remove("X-Forwarded-For");
            headers.TryAddWithoutValidation("X-Forwarded-For", existing.Count == 0 ? clientIp : $"{existing}, {clientIp}");
        }

        headers.Remove("X-Forwarded-Proto");
        headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        headers.Remove("X-Forwarded-Host");
        headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
        headers.Remove("X-Forwarded-Prefix");
        if (state.ApiPrefix.Length > 0)
        {
            headers.TryAddWithoutValidation("X-Forwarded-Prefix", state.ApiPrefix);
        }
    }

    /// <summary>Drops only the key's own pairs from the raw query; every other byte reaches the backend as the client sent it (signed URLs stay valid).</summary>
    private static QueryString WithoutParameter(QueryString query, string name)
    {
        var raw = query.Value;
        if (string.IsNullOrEmpty(raw))
        {
            return query;
        }

        var kept = new List<string>();
        foreach (var pair in raw.TrimStart('?').Split('&'))
        {
            var rawName = pair.Split('=', 2)[0];
            if (!string.Equals(Uri.UnescapeDataString(rawName.Replace('+', ' ')), name, StringComparison.OrdinalIgnoreCase))
            {
                kept.Add(pair);
            }
        }

        return kept.Count == 0 ? QueryString.Empty : new QueryString("?" + string.Join('&', kept));
    }
}
