using EdgeGateway.Contracts.Sync;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ManagementPlane.Tests.Sync;

/// <summary>docs/management-api.md: an instance is <c>stale</c> after 3 missed heartbeats (3 × Management:HeartbeatInterval).</summary>
public sealed class StaleInstanceTests
{
    [Fact]
    public async Task Status_NoHeartbeatForThreeIntervals_InstanceIsStale()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var plane = await TestPlane.StartAsync(
            settings: new() { ["Management:HeartbeatInterval"] = "00:01:00" },
            services: s => s.AddSingleton<TimeProvider>(clock));
        var token = await plane.SeedGatewayAsync();
        var beat = new HttpRequestMessage(HttpMethod.Post, SyncProtocol.HeartbeatPath("gw1")) { Content = TestPlane.Json("""{"instanceId":"i-1","appliedRevision":1}""") };
        beat.Headers.TryAddWithoutValidation("Authorization", token);
        Assert.Equal(204, (int)(await plane.Anonymous.SendAsync(beat)).StatusCode);

        async Task<string> StateAsync() => (await plane.GetJsonAsync("/gateways/gw1/status"))["instances"]![0]!["state"]!.GetValue<string>();

        Assert.Equal("current", await StateAsync());
        clock.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(1));
        Assert.Equal("current", await StateAsync());
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("stale", await StateAsync());
    }
}
