using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies;
using Yarp.ReverseProxy.Forwarder;

namespace EdgeGateway.Proxy;

/// <summary>
/// Rewrites the outgoing request as APIM does: backend URL + the path after the API prefix + the query
/// (without the subscription key, which never reaches a backend), plus X-Forwarded-* headers.
/// Path and query reach the backend as the client wrote them: no decoding, re-encoding or normalising.
/// </summary>
/// <remarks>
/// One per API, built with the route when a snapshot is compiled (as YARP builds transforms per route): the key names and
/// the prefix are the route's own fields here. What only the request knows (the raw remainder, whether the key came in
/// the query, what policies changed) is read from the request's one <see cref="PolicyRun"/>.
/// </remarks>
internal sealed class GatewayTransformer(string keyHeader, string keyQuery, string forwardedPrefix) : HttpTransformer
{

    // System.Uri would otherwise unescape %41 and %7E, escape {|}^ and %zz, and resolve dot segments:
    // a signature computed over the raw query would no longer match.
    private static readonly UriCreationOptions AsWritten = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest,
        string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var run = httpContext.Features.Get<PolicyRun>()!;
        var request = httpContext.Request;
        if (run.Forward is { NeedsHandler: true })
        {
            proxyRequest.Options.Set(ResilienceHandler.RunKey, run); // retried or breaker-counted below the forwarder
        }

        var query = BackendQuery(run, keyQuery);

        var remainder = run.RewrittenPath is { } rewritten ? rewritten.AsSpan() : run.Remainder.Path;
        var prefix = destinationPrefix.AsSpan();
        if (!remainder.IsEmpty && prefix.EndsWith('/'))
        {
            prefix = prefix[..^1]; // the remainder starts with '/'
        }

        proxyRequest.RequestUri = new Uri(string.Concat(prefix, remainder, query), in AsWritten);
        var headers = proxyRequest.Headers;
        // Every header of proxyRequest was copied from the request (policies included) by the base transform: a name
        // the request does not have needs no Remove, which parses the name on every call (docs/performance.md).
        var incoming = request.Headers;
        RemoveIfSent(incoming, headers, keyHeader);

        // Fields the client named in Connection were removed before inbound (GatewayRequestHandler): a policy's header
        // is never dropped here, and naming X-Forwarded-For drops only the client's value, never the gateway's.

        // As APIM does: the backend sees its own host name (name-based virtual hosts and TLS SNI need it), unless a
        // set-header Host gave another; the client's host travels in X-Forwarded-Host either way.
        headers.Host = run.BackendHost;

        // YARP's defaults: append the client to X-Forwarded-For, set the others (a client must not spoof them).
        // Forwarded and X-Real-IP are not set by the gateway: a client's own would pass as if they were, so they go.
        var clientIp = httpContext.Connection.RemoteIpAddress?.ToString();
        if (clientIp is not null)
        {
            string? existing = null;
            if (incoming.ContainsKey("X-Forwarded-For"))
            {
                existing = headers.NonValidated.TryGetValues("X-Forwarded-For", out var values) ? values.ToString() : null;
                headers.Remove("X-Forwarded-For");
            }

            headers.TryAddWithoutValidation("X-Forwarded-For", string.IsNullOrEmpty(existing) ? clientIp : $"{existing}, {clientIp}");
        }

        RemoveIfSent(incoming, headers, "Forwarded");
        RemoveIfSent(incoming, headers, "X-Real-IP");
        RemoveIfSent(incoming, headers, "X-Forwarded-Proto");
        headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        RemoveIfSent(incoming, headers, "X-Forwarded-Host");
        var host = request.Host;
        if (host.HasValue)
        {
            headers.TryAddWithoutValidation("X-Forwarded-Host", host.Value);
        }

        RemoveIfSent(incoming, headers, "X-Forwarded-Prefix");
        if (forwardedPrefix.Length > 0)
        {
            headers.TryAddWithoutValidation("X-Forwarded-Prefix", forwardedPrefix);
        }
    }

    private static void RemoveIfSent(IHeaderDictionary incoming, System.Net.Http.Headers.HttpRequestHeaders outgoing, string name)
    {
        if (incoming.ContainsKey(name))
        {
            outgoing.Remove(name);
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var proxied = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (proxyResponse is not null)
        {
            if (httpContext.Features.Get<PolicyRun>() is { } answered)
            {
                answered.BackendStatus = (int)proxyResponse.StatusCode; // telemetry: the backend's own answer, before outbound
            }

            HopByHopHeaders.RemoveNamed(proxyResponse.Headers, httpContext.Response.Headers);
            if (proxied && httpContext.Features.Get<PolicyRun>() is { Pipeline.Outbound.Length: > 0 } run)
            {
                run.BackendResponse = proxyResponse;
                return await OutboundAsync(run);
            }
        }

        return proxied;
    }

    /// <summary>Outbound policies on the backend's response, before any of it reaches the client; false: the backend's body is not sent.</summary>
    internal static async ValueTask<bool> OutboundAsync(PolicyRun run)
    {
        switch (await PolicyPipeline.RunAsync(run.Pipeline.Outbound, run, Sections.Outbound))
        {
            case PolicyResult.Responded:
                await run.Answer!.WriteBodyAsync(run);
                return false;
            case PolicyResult.Failed:
                run.Http.Response.Clear(); // the request handler runs onError once the forwarder returns
                return false;
            case PolicyResult.Continue when run.ResponseBody is not null:
                if (run.Cache?.PendingWrite is not null)
                {
                    await run.Cache.CompletePendingAsync(run.ResponseBody); // cache-store with a body in memory: outbound has succeeded
                }

                await PolicyBodies.WriteResponseAsync(run); // set-body or find-and-replace: the backend's body is not sent
                return false;
            default:
                return true;
        }
    }

    /// <summary>
    /// The raw query a backend gets: the request's (as policies left it) without the subscription key's pairs when the key
    /// came in the query. Also what send-request's mode copy sends: no side call gets the key either.
    /// </summary>
    internal static ReadOnlySpan<char> BackendQuery(PolicyRun run, string keyQuery)
    {
        // Kestrel's QueryString is the raw query (policies may have changed it: set-query-parameter, rewrite-uri).
        var query = run.Http.Request.QueryString.Value.AsSpan();
        return run.KeyInQuery ? WithoutParameter(query, keyQuery) : query;
    }

    /// <summary>Drops only the named parameter's own pairs from the raw query; every other byte reaches the backend as the client sent it (signed URLs stay valid).</summary>
    internal static ReadOnlySpan<char> WithoutParameter(ReadOnlySpan<char> query, string name)
    {
        if (query.Length <= 1)
        {
            return query;
        }

        var kept = new System.Text.StringBuilder(query.Length);
        foreach (var range in query[1..].Split('&'))
        {
            var pair = query[1..][range];
            var equals = pair.IndexOf('=');
            var rawName = equals < 0 ? pair : pair[..equals];
            if (!string.Equals(Uri.UnescapeDataString(rawName.ToString().Replace('+', ' ')), name, StringComparison.OrdinalIgnoreCase))
            {
                kept.Append(kept.Length == 0 ? '?' : '&').Append(pair);
            }
        }

        return kept.ToString();
    }
}
