using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Sync;
using EdgeGateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Tests.Configuration;

/// <summary>The new hardening settings refuse bad values at start with a message naming the setting.</summary>
public sealed class GatewaySettingsTests
{
    private static StartupException Refused(params (string Key, string Value)[] extra)
    {
        using var key = SigningKeys.Generate();
        var values = new Dictionary<string, string?>
        {
            ["Gateway:Id"] = "gw1",
            ["ManagementPlane:Url"] = "http://127.0.0.1:1",
            ["ManagementPlane:Token"] = GatewayToken.Create("gw1", DateTimeOffset.UtcNow.AddDays(1), "k").Value,
            ["Trust:SigningKey"] = SigningKeys.ExportPublicPem(key),
        };
        foreach (var (k, v) in extra)
        {
            values[k] = v;
        }

        return Assert.Throws<StartupException>(() => GatewaySettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build()));
    }

    [Theory]
    [InlineData("ManagementPlane:MaxSnapshotBytes", "100", "ManagementPlane:MaxSnapshotBytes 100 must be between 1024")]
    [InlineData("Trust:MaxSnapshotAge", "-00:00:01", "Trust:MaxSnapshotAge -00:00:01 must be positive")]
    [InlineData("Trust:MaxSnapshotAge", "00:10:00", "Trust:MaxSnapshotAge is set but Backup:Provider is none")]
    [InlineData("ManagementPlane:TokenFile", "/nonexistent/token", "ManagementPlane:TokenFile '/nonexistent/token' cannot be read")]
    [InlineData("Gateway:EntraAuthorityHost", "http://login.example.com", "Gateway:EntraAuthorityHost 'http://login.example.com' uses plain http:// to a host that is not loopback")]
    [InlineData("Gateway:EntraAuthorityHost", "https://login.example.com/tenant", "Gateway:EntraAuthorityHost 'https://login.example.com/tenant' must be only a scheme and host")]
    [InlineData("Gateway:EntraAuthorityHost", "login.microsoftonline.com", "Gateway:EntraAuthorityHost 'login.microsoftonline.com' is not an absolute http(s) URL")]
    public void Read_BadHardeningSetting_RefusedNamingIt(string key, string value, string message)
    {
        var extra = key == "ManagementPlane:TokenFile" ? new[] { (key, value), ("ManagementPlane:Token", "") } : new[] { (key, value) };

        Assert.Contains(message, Refused(extra).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TokenCopiedJsonEscaped_RefusedSayingToWriteAmpersand()
    {
        var escaped = GatewayToken.Create("gw1", DateTimeOffset.UtcNow.AddDays(1), "k").Value.Replace("&", "\\u0026", StringComparison.Ordinal);

        var message = Refused(("ManagementPlane:Token", escaped)).Message;

        Assert.Contains("ManagementPlane:Token is not a gateway token", message, StringComparison.Ordinal);
        Assert.Contains("it holds '\\u0026': it was copied JSON-escaped; write '&' in place of each '\\u0026'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TokenFileCopiedJsonEscaped_RefusedNamingTheFileAndTheEscape()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, GatewayToken.Create("gw1", DateTimeOffset.UtcNow.AddDays(1), "k").Value.Replace("&", "\\u0026", StringComparison.Ordinal) + "\n");

            var message = Refused(("ManagementPlane:Token", ""), ("ManagementPlane:TokenFile", file)).Message;

            Assert.Contains($"ManagementPlane:TokenFile '{file}' is not a gateway token", message, StringComparison.Ordinal);
            Assert.Contains("copied JSON-escaped; write '&'", message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Read_MalformedTokenWithoutEscapes_NoCopyHint()
    {
        Assert.DoesNotContain("JSON-escaped", Refused(("ManagementPlane:Token", "GatewayKey gw1&nope")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://127.0.0.1:0")]
    public void ConfigureKestrel_AdminUrlsOnThePublicPortOrPortZero_Refused(string adminUrls)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());

        var error = Assert.Throws<StartupException>(() => GatewayHostBuilder.ConfigureKestrel(builder, new GatewayOptions { AdminUrls = adminUrls }));

        Assert.Contains("Gateway:AdminUrls port", error.Message, StringComparison.Ordinal);
    }
}
