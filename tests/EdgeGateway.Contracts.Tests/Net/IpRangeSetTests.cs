using System.Net;
using EdgeGateway.Contracts.Net;

namespace EdgeGateway.Contracts.Tests.Net;

public sealed class IpRangeSetTests
{
    private static IpRangeSet Set(params string[] entries) => IpRangeSet.Create(entries.Select(e =>
    {
        Assert.Null(IpText.ParseEntry(e, out var range));
        return range;
    }));

    [Theory]
    [InlineData("10.0.0.0/8", "10.255.255.255", true)]
    [InlineData("10.0.0.0/8", "11.0.0.0", false)]
    [InlineData("10.0.0.0/8", "9.255.255.255", false)]
    [InlineData("203.0.113.7", "203.0.113.7", true)]
    [InlineData("203.0.113.7", "203.0.113.8", false)]
    [InlineData("0.0.0.0/0", "255.255.255.255", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("::1", "::1", true)]
    [InlineData("::/0", "203.0.113.7", false)] // an IPv6 entry never matches an IPv4 client
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    public void Contains_CidrAndSingle_BothFamilies(string entry, string address, bool expected)
    {
        Assert.Equal(expected, Set(entry).Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("::ffff:203.0.113.7", true)]
    [InlineData("::ffff:198.51.100.1", false)]
    public void Contains_IPv4MappedPeer_MatchesIPv4Entries(string peer, bool expected)
    {
        Assert.Equal(expected, Set("203.0.113.0/24").Contains(IPAddress.Parse(peer)));
    }

    [Fact]
    public void Contains_MappedEntry_MatchesPlainIPv4Peer()
    {
        Assert.True(Set("::ffff:10.1.0.0/112").Contains(IPAddress.Parse("10.1.2.3")));
    }

    [Fact]
    public void Create_OverlappingAndAdjacentRanges_Merged()
    {
        Assert.Null(IpText.ParseRange("10.0.0.5", "10.0.0.20", out var a, out _));
        Assert.Null(IpText.ParseRange("10.0.0.21", "10.0.0.30", out var b, out _));
        var set = IpRangeSet.Create([b, a, .. new[] { "10.0.0.0/28" }.Select(e => { IpText.ParseEntry(e, out var r); return r; })]);

        Assert.True(set.Contains(IPAddress.Parse("10.0.0.0")));
        Assert.True(set.Contains(IPAddress.Parse("10.0.0.21")));
        Assert.True(set.Contains(IPAddress.Parse("10.0.0.30")));
        Assert.False(set.Contains(IPAddress.Parse("10.0.0.31")));
    }

    [Theory]
    [InlineData("127.1")]          // inet_aton short form
    [InlineData("010.0.0.1")]      // octal in some parsers
    [InlineData("0x7f.0.0.1")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("[::1]")]
    [InlineData("fe80::1%eth0")]
    [InlineData("1.2.3.4 ")]
    [InlineData("")]
    [InlineData("::ffff:127.1")]
    public void TryParseAddress_AmbiguousOrForeignForms_Refused(string text)
    {
        Assert.False(IpText.TryParseAddress(text, out _, out _));
    }

    [Theory]
    [InlineData("10.0.0.1/8", "address bits set after the /8 prefix (write the network address, like 10.0.0.0/8)")]
    [InlineData("10.0.0.0/33", "prefix outside /0-/32")]
    [InlineData("2001:db8::/129", "prefix outside /0-/128")]
    [InlineData("10.0.0.0/", "prefix outside")]
    [InlineData("10.0.0.0/+8", "prefix outside")]
    [InlineData("10.0.0", "is not an IPv4 or IPv6 address")]
    public void ParseEntry_BadCidr_SaysWhy(string text, string expected)
    {
        Assert.Contains(expected, IpText.ParseEntry(text, out _), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.9", "10.0.0.1", "is above")]
    [InlineData("10.0.0.1", "2001:db8::1", "different address families")]
    [InlineData("10.0.0.1", "10.0.0.0/24", "is not an IPv4 or IPv6 address")]
    public void ParseRange_BadRange_SaysWhy(string from, string to, string expected)
    {
        Assert.Contains(expected, IpText.ParseRange(from, to, out _, out _), StringComparison.Ordinal);
    }
}
