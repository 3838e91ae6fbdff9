using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>Hybrid-mode settings that docs/management-api.md describes: plain polling, and the start-up warnings.</summary>
public sealed class SyncSettingsTests : PlaneFixture
{
    private const string PlainHttpWarning = "is plain http to a non-loopback host";
    private const string ExpiryWarning = "ManagementPlane:Token expires at";

    [Fact]
    public async Task LongPollWaitZero_PlainPolling_ChangesStillArrive()
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1");
        env["ManagementPlane__LongPollWait"] = "00:00:00";
        env["ManagementPlane__PollInterval"] = "00:00:01";
        await using var gateway = await GatewayProcess.StartAsync("", env: env);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/echo/x")).StatusCode);

        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo"), ("new", "/new")));

        await gateway.EventuallyAsync(async () => (await gateway.Client.GetAsync("/new/x")).StatusCode == HttpStatusCode.OK, "change picked up by polling", 60);
        Assert.Equal("connected", (await gateway.StatusAsync()).GetProperty("managementPlane").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Start_TokenExpiringWithinThreeDays_WarnsAndServes()
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1", await Plane.TokenAsync("gw1", DateTimeOffset.UtcNow.AddDays(1)));

        await using var gateway = await GatewayProcess.StartAsync("", env: env);

        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/echo/x")).StatusCode);
        await gateway.EventuallyAsync(() => Task.FromResult(gateway.Output.Contains(ExpiryWarning, StringComparison.Ordinal)), "expiry warning logged");
    }

    [Fact]
    public async Task Start_TokenValidForAWeekOverLoopback_NoWarning()
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1", await Plane.TokenAsync("gw1", DateTimeOffset.UtcNow.AddDays(7)));

        await using var gateway = await GatewayProcess.StartAsync("", env: env);
        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).GetProperty("managementPlane").GetProperty("state").GetString() == "connected", "connected");

        Assert.DoesNotContain(ExpiryWarning, gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(PlainHttpWarning, gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PlainHttpToNonLoopbackHost_Warns()
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1");
        env["ManagementPlane__Url"] = "http://192.0.2.10:5000"; // TEST-NET-1: not loopback, never answers
        env["ManagementPlane__StartupTimeout"] = "00:00:01";

        await using var gateway = GatewayProcess.Launch("", env: env);

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var warning = Assert.Single(gateway.Output.Split('\n'), l => l.Contains(PlainHttpWarning, StringComparison.Ordinal));
        Assert.Contains("http://192.0.2.10:5000", warning, StringComparison.Ordinal);
    }
}
