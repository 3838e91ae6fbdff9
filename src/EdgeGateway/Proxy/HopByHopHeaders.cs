using System.Net.Http.Headers;

namespace EdgeGateway.Proxy;

/// <summary>
/// RFC 9110 §7.6.1: every field named in <c>Connection</c> belongs to that one connection and is removed
/// before a message is forwarded, in both directions. YARP drops the fixed hop-by-hop set
/// (Connection, Keep-Alive, Upgrade, TE...) but not the ones a sender names.
/// </summary>
internal static class HopByHopHeaders
{
    /// <summary>
    /// Removes from the incoming request the fields the client named in its Connection header, before inbound runs: what
    /// policies read is what may be forwarded, and a header a policy sets afterwards (Authorization) always reaches the
    /// backend. Host stays: routing used it, X-Forwarded-Host carries it, and the backend never gets the client's anyway.
    /// </summary>
    public static void RemoveNamed(IHeaderDictionary request)
    {
        var connection = request.Connection;
        if (connection.Count == 0)
        {
            return;
        }

        foreach (var value in connection)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                var name = value.AsSpan()[range].Trim(" \t");
                if (IsRemovable(name) && !name.Equals("host", StringComparison.OrdinalIgnoreCase))
                {
                    request.Remove(name.ToString());
                }
            }
        }
    }

    /// <summary>Removes from the client's response the fields the backend named in its Connection header.</summary>
    public static void RemoveNamed(HttpResponseHeaders backendHeaders, IHeaderDictionary response)
    {
        if (!backendHeaders.NonValidated.TryGetValues("Connection", out var values))
        {
            return;
        }

        foreach (var value in values)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                var name = value.AsSpan()[range].Trim(" \t");
                if (IsRemovable(name))
                {
                    response.Remove(name.ToString());
                }
            }
        }
    }

    /// <summary>A token, and not one of the options YARP never copies anyway (no string for those).</summary>
    private static bool IsRemovable(ReadOnlySpan<char> name) =>
        !name.IsEmpty && !name.ContainsAnyExcept(RequestChecks.TokenChars)
        && !name.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
        && !name.Equals("close", StringComparison.OrdinalIgnoreCase)
        && !name.Equals("upgrade", StringComparison.OrdinalIgnoreCase);
}
