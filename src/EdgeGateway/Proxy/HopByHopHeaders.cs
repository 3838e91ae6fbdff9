using System.Collections.Frozen;
using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;

namespace EdgeGateway.Proxy;

/// <summary>
/// RFC 9110 §7.6.1: every field named in <c>Connection</c> belongs to that one connection and is removed
/// before a message is forwarded, in both directions. YARP drops the fixed hop-by-hop set
/// (Connection, Keep-Alive, Upgrade, TE...) but not the ones a sender names.
/// </summary>
internal static class HopByHopHeaders
{
    // Where HttpClient keeps them (HttpRequestHeaders throws for these names): YARP's own list.
    private static readonly FrozenSet<string> ContentHeaders = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Allow", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length", "Content-Location",
        "Content-MD5", "Content-Range", "Content-Type", "Expires", "Last-Modified");

    /// <summary>Removes from the outgoing request the fields the client named in its Connection header.</summary>
    public static void RemoveNamed(StringValues connection, HttpRequestMessage proxyRequest)
    {
        foreach (var value in connection)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                var name = value.AsSpan()[range].Trim(" \t");
                if (IsRemovable(name))
                {
                    var text = name.ToString();
                    if (ContentHeaders.Contains(text))
                    {
                        proxyRequest.Content?.Headers.Remove(text);
                    }
                    else
                    {
                        proxyRequest.Headers.Remove(text);
                    }
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
