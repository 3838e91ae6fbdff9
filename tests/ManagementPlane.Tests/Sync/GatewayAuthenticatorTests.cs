using EdgeGateway.Contracts.Sync;
using ManagementPlane.State;
using ManagementPlane.Sync;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ManagementPlane.Tests.Sync;

public sealed class GatewayAuthenticatorTests : IAsyncLifetime
{
    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Fact]
    public void Check_UnknownGatewayId_VerifiesTheSignatureAgainstKeysAsForAKnownOne()
    {
        var checks = new List<(string GatewayId, string? Primary, string? Secondary, GatewayTokenCheck Result)>();
        var auth = new GatewayAuthenticator(plane.Host.Services.GetRequiredService<SecretProtector>(), TimeProvider.System)
        {
            TokenCheck = (token, gatewayId, now, primary, secondary) =>
            {
                var result = token.Verify(gatewayId, now, primary, secondary);
                checks.Add((gatewayId, primary, secondary, result));
                return result;
            },
        };
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = GatewayToken.Create("ghost", DateTimeOffset.UtcNow.AddDays(1), "guessed-key").Value;

        var denied = auth.Check(context, gateway: null, "ghost");

        Assert.NotNull(denied);
        // The same work as for a known id: both stand-in keys decrypted, the HMAC computed against each.
        var check = Assert.Single(checks);
        Assert.Equal("ghost", check.GatewayId);
        Assert.False(string.IsNullOrEmpty(check.Primary));
        Assert.False(string.IsNullOrEmpty(check.Secondary));
        Assert.Equal(GatewayTokenCheck.InvalidSignature, check.Result);
    }
}
