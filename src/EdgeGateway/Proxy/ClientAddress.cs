using System.Net;
using EdgeGateway.Contracts.Net;

namespace EdgeGateway.Proxy;

/// <summary>
/// The client's address as policies see it. The socket peer, unless the peer is a trusted proxy
/// (<c>Gateway:TrustedProxies</c>): then <c>X-Forwarded-For</c> is walked from the right, each trusted hop skipped, and the
/// first untrusted address is the client (ASP.NET's ForwardedHeaders without a limit, nginx's <c>real_ip_recursive on</c>).
/// Only what trusted hops appended is read: a client's own entries lie to the left of the first untrusted hop.
/// A malformed entry stops the walk: the client is then the hop that passed it on (an address a trusted proxy saw
/// itself), never the malformed text or anything to its left.
/// </summary>
internal static class ClientAddress
{
    public static IPAddress? Resolve(HttpContext http, IpRangeSet trusted)
    {
        if (http.Connection.RemoteIpAddress is not { } socket)
        {
            return null;
        }

        var (isV6, value) = IpText.Of(socket);
        var peer = socket.IsIPv4MappedToIPv6 ? socket.MapToIPv4() : socket;
        if (trusted.IsEmpty || !trusted.Contains(isV6, value))
        {
            return peer;
        }

        // Several header lines are one list, in order (RFC 9110 §5.3): walk the last line first.
        var lines = http.Request.Headers["X-Forwarded-For"];
        var client = (isV6, value);
        for (var line = lines.Count - 1; line >= 0; line--)
        {
            var rest = (lines[line] ?? "").AsSpan();
            while (true)
            {
                var comma = rest.LastIndexOf(',');
                if (!TryParseHop(rest[(comma + 1)..].Trim(" \t"), out var hopV6, out var hop))
                {
                    return Address(client, peer);
                }

                client = (hopV6, hop);
                if (!trusted.Contains(hopV6, hop))
                {
                    return Address(client, peer);
                }

                if (comma < 0)
                {
                    break;
                }

                rest = rest[..comma];
            }
        }

        return Address(client, peer); // every hop trusted: the leftmost is the client
    }

    /// <summary>An entry as proxies write it: an address, IPv4 with a port (<c>203.0.113.7:5123</c>, Azure Application Gateway), or <c>[v6]</c> with or without one.</summary>
    internal static bool TryParseHop(ReadOnlySpan<char> entry, out bool isV6, out UInt128 value)
    {
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']');
            isV6 = false;
            value = 0;
            return close > 0 && IsPortOrNothing(entry[(close + 1)..]) && IpText.TryParseAddress(entry[1..close], out isV6, out value);
        }

        var colon = entry.IndexOf(':');
        if (colon >= 0 && colon == entry.LastIndexOf(':'))
        {
            // One colon: IPv4 and a port (IPv6 has at least two).
            isV6 = false;
            value = 0;
            return IsPortOrNothing(entry[colon..]) && IpText.TryParseAddress(entry[..colon], out isV6, out value) && !isV6;
        }

        return IpText.TryParseAddress(entry, out isV6, out value);
    }

    private static bool IsPortOrNothing(ReadOnlySpan<char> text) =>
        text.IsEmpty || (text[0] == ':' && text.Length is > 1 and <= 6 && !text[1..].ContainsAnyExceptInRange('0', '9')
            && int.Parse(text[1..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture) <= 65535);

    private static IPAddress Address((bool IsV6, UInt128 Value) client, IPAddress peer)
    {
        var (peerV6, peerValue) = IpText.Of(peer);
        return client.IsV6 == peerV6 && client.Value == peerValue ? peer : IpText.ToAddress(client.IsV6, client.Value);
    }
}
