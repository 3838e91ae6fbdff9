using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies;

/// <summary>
/// What a computed header value may hold. A value built from request data (a decoded query parameter can carry CR/LF)
/// could otherwise split a header or be refused by Kestrel mid-response: such a value refuses the request (400 through
/// onError), it is never stripped or altered into something the policy author did not write.
/// </summary>
internal static class HeaderValues
{
    /// <summary>The longest value a policy may set, in characters: far above real values, far below a backend's header limits.</summary>
    public const int MaxLength = 8192;

    public const string Refused = "A policy computed a header value that cannot be sent: control characters (CR, LF, ...), non-ASCII characters, or more than 8192 characters.";

    public static bool IsSafe(string value)
    {
        if (value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if ((c < 0x20 && c != '\t') || c > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    public const string Managed = "A policy computed the name of a header the gateway manages (message framing and connection headers cannot be set by a policy).";

    /// <summary>
    /// A name a policy may set: a token, and, when computed per request (an expression), not one of
    /// <see cref="ManagedHeaders"/>; a constant name was checked at load (HeaderNameRule). One set lookup, no allocation.
    /// </summary>
    public static bool IsSettableName(PolicyValue name, string evaluated) =>
        IsName(evaluated) && (name.IsConstant || !ManagedHeaders.Contains(evaluated));

    public const string HostRefused = "A policy computed a Host that is not a host name or address with an optional port.";

    /// <summary>
    /// A Host value: a DNS name, IPv4 address or bracketed IPv6 address, with an optional port. Stricter than HttpClient's
    /// own parser, so setting it on the backend request never throws.
    /// </summary>
    public static bool IsHost(string value)
    {
        var host = value.AsSpan();
        var port = ReadOnlySpan<char>.Empty;
        var colon = host.StartsWith('[') ? host.IndexOf("]:", StringComparison.Ordinal) + 1 : host.LastIndexOf(':');
        if (colon > 0)
        {
            port = host[(colon + 1)..];
            host = host[..colon];
            if (port.IsEmpty || port.Length > 5 || port.ContainsAnyExceptInRange('0', '9') || int.Parse(port) > 65535)
            {
                return false;
            }
        }

        return host.Length is > 0 and <= 255 && Uri.CheckHostName(host.ToString()) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6;
    }

    /// <summary>A header name: a non-empty RFC 9110 token.</summary>
    public static bool IsName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c <= 0x20 || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".Contains(c))
            {
                return false;
            }
        }

        return true;
    }
}
