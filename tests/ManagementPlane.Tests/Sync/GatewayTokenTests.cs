using EdgeGateway.Contracts.Sync;

namespace ManagementPlane.Tests.Sync;

public sealed class GatewayTokenTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 12, 24, 0, 0, 30, TimeSpan.Zero);

    [Fact]
    public void Create_Value_HasApimShape()
    {
        var token = GatewayToken.Create("gw1", Expiry, "key-1");
        Assert.Matches(@"^GatewayKey gw1&202612240000&[A-Za-z0-9+/]{86}==$", token.Value);
        Assert.DoesNotContain(token.Signature, token.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_CreatedValue_RoundTrips()
    {
        var token = GatewayToken.Create("gw1", Expiry, "key-1");
        Assert.True(GatewayToken.TryParse(token.Value, out var parsed));
        Assert.Equal(token, parsed);
        Assert.Equal(new DateTimeOffset(2026, 12, 24, 0, 0, 0, TimeSpan.Zero), parsed!.Expiry);
        Assert.True(GatewayToken.TryParse(token.Value["GatewayKey ".Length..], out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("GatewayKey gw1")]
    [InlineData("GatewayKey gw1&2026-12-24&sig")]
    [InlineData("GatewayKey &202612240000&sig")]
    [InlineData("GatewayKey gw1&202612240000&")]
    public void TryParse_Malformed_False(string value) => Assert.False(GatewayToken.TryParse(value, out _));

    [Fact]
    public void Verify_Cases_ValidExpiredInvalidWrongGateway()
    {
        var token = GatewayToken.Create("gw1", Expiry, "key-1");
        var before = Expiry.AddDays(-1);
        Assert.Equal(GatewayTokenCheck.Valid, token.Verify("gw1", before, "other", "key-1"));
        Assert.Equal(GatewayTokenCheck.Expired, token.Verify("gw1", Expiry.AddMinutes(1), "key-1"));
        Assert.Equal(GatewayTokenCheck.InvalidSignature, token.Verify("gw1", before, "key-2", null));
        Assert.Equal(GatewayTokenCheck.WrongGateway, token.Verify("gw2", before, "key-1"));
        var forged = token with { Expiry = Expiry.AddDays(30) };
        Assert.Equal(GatewayTokenCheck.InvalidSignature, forged.Verify("gw1", before, "key-1"));
    }
}
