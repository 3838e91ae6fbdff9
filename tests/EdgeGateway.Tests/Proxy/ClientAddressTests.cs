using System.Net;
using EdgeGateway.Contracts.Net;
using EdgeGateway.Proxy;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.Tests.Proxy;

/// <summary>The client address: the socket unless the peer is a trusted proxy; then X-Forwarded-For from the right.</summary>
public sealed class ClientAddressTests
{
    private static readonly IpRangeSet Proxies = IpRangeSet.Create(new[] { "10.0.0.0/8", "2001:db8::/32" }.Select(e =>
    {
        IpText.ParseEntry(e, out var range);
        return range;
    }));

    private static string? Resolve(string peer, IpRangeSet trusted, params string[] forwardedFor)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor.Length > 0)
        {
            http.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        return ClientAddress.Resolve(http, trusted)?.ToString();
    }

    [Fact]
    public void Resolve_UntrustedPeer_HeaderIgnored()
    {
        Assert.Equal("198.51.100.4", Resolve("198.51.100.4", Proxies, "203.0.113.7"));
        Assert.Equal("198.51.100.4", Resolve("198.51.100.4", IpRangeSet.Empty, "203.0.113.7"));
    }

    [Fact]
    public void Resolve_TrustedPeer_RightmostUntrustedHopIsTheClient()
    {
        // The client spoofed 1.1.1.1; the proxies appended what they saw.
        Assert.Equal("203.0.113.7", Resolve("10.0.0.2", Proxies, "1.1.1.1, 203.0.113.7, 10.0.0.9"));
    }

    [Fact]
    public void Resolve_SeveralHeaderLines_OneListLastLineFirst()
    {
        Assert.Equal("203.0.113.7", Resolve("10.0.0.2", Proxies, "1.1.1.1, 203.0.113.7", "10.0.0.9"));
    }

    [Fact]
    public void Resolve_EveryHopTrusted_LeftmostIsTheClient()
    {
        Assert.Equal("10.9.9.9", Resolve("10.0.0.2", Proxies, "10.9.9.9, 10.0.0.9"));
    }

    [Theory]
    [InlineData("203.0.113.7:5123", "203.0.113.7")]
    [InlineData("[2001:db9::1]:443", "2001:db9::1")]
    [InlineData("[2001:db9::1]", "2001:db9::1")]
    [InlineData("2001:db9::1", "2001:db9::1")]
    public void Resolve_EntriesWithPortsOrBrackets_Read(string entry, string expected)
    {
        Assert.Equal(expected, Resolve("2001:db8::1", Proxies, entry));
    }

    [Theory]
    [InlineData("1.1.1.1, garbage, 10.0.0.9", "10.0.0.9")] // stops at the malformed entry: the hop that passed it on
    [InlineData("1.1.1.1, 127.1", "10.0.0.2")]
    [InlineData("1.1.1.1,,", "10.0.0.2")]
    [InlineData("", "10.0.0.2")]
    [InlineData("1.1.1.1, 203.0.113.7:99999", "10.0.0.2")]
    public void Resolve_MalformedEntry_NeverTrustedNorAnythingLeftOfIt(string header, string expected)
    {
        Assert.Equal(expected, Resolve("10.0.0.2", Proxies, header));
    }

    [Fact]
    public void Resolve_IPv4MappedPeer_ReportedAsIPv4AndMatchedAsIPv4()
    {
        Assert.Equal("203.0.113.7", Resolve("::ffff:10.0.0.2", Proxies, "203.0.113.7"));
        Assert.Equal("198.51.100.4", Resolve("::ffff:198.51.100.4", Proxies, "203.0.113.7"));
    }
}
