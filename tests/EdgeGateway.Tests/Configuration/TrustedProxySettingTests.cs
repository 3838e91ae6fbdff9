using System.Net;
using EdgeGateway.Configuration;
using EdgeGateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Tests.Configuration;

/// <summary>Gateway:TrustedProxies as an operator writes it: list items or one comma-separated value; a bad entry stops the start.</summary>
public sealed class TrustedProxySettingTests
{
    private static GatewaySettings Read(params (string Key, string Value)[] extra)
    {
        var values = new Dictionary<string, string?> { ["Gateway:ConfigFile"] = "/tmp/none.json" };
        foreach (var (k, v) in extra)
        {
            values[k] = v;
        }

        return GatewaySettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    [Fact]
    public void Read_ListItemsAndCommaSeparated_AllTrusted()
    {
        var settings = Read(("Gateway:TrustedProxies:0", "10.0.0.0/8"), ("Gateway:TrustedProxies:1", "2001:db8::/32"));
        var single = Read(("Gateway:TrustedProxies", "10.0.0.0/8, 192.0.2.1"));

        Assert.True(settings.TrustedProxies.Contains(IPAddress.Parse("10.1.2.3")));
        Assert.True(settings.TrustedProxies.Contains(IPAddress.Parse("2001:db8::5")));
        Assert.False(settings.TrustedProxies.Contains(IPAddress.Parse("192.0.2.1")));
        Assert.True(single.TrustedProxies.Contains(IPAddress.Parse("192.0.2.1")));
        Assert.True(Read().TrustedProxies.IsEmpty);
    }

    [Theory]
    [InlineData("Gateway:TrustedProxies:1", "10.0.0.1/8", "Gateway:TrustedProxies:1: '10.0.0.1/8' has address bits set after the /8 prefix")]
    [InlineData("Gateway:TrustedProxies:0", "proxy.internal", "Gateway:TrustedProxies:0: 'proxy.internal' is not an IPv4 or IPv6 address")]
    [InlineData("Gateway:TrustedProxies", "10.0.0.0/8,10.0.0.256", "Gateway:TrustedProxies: '10.0.0.256' is not")]
    public void Read_BadEntry_StartRefusedNamingTheSetting(string key, string value, string message)
    {
        var ex = Assert.Throws<StartupException>(() => Read(("Gateway:TrustedProxies:0", "10.0.0.0/8"), (key, value)));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
