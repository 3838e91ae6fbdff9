using EdgeGateway.Contracts.Sync;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ManagementPlane.Tests.Sync;

public sealed class TokenExpiryTests
{
    [Fact]
    public async Task Snapshot_ExpiredToken_Is401SayingExpired()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var plane = await TestPlane.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var token = await plane.SeedGatewayAsync();
        var expiring = await plane.TokenAsync("gw1", lifetime: TimeSpan.FromMinutes(5));

        clock.Advance(TimeSpan.FromMinutes(10));
        var request = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath("gw1"));
        request.Headers.TryAddWithoutValidation("Authorization", expiring);
        var problem = await Problem.AssertAsync(await plane.Anonymous.SendAsync(request), 401);
        Assert.Contains("expired", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var stillValid = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath("gw1"));
        stillValid.Headers.TryAddWithoutValidation("Authorization", token);
        Assert.Equal(200, (int)(await plane.Anonymous.SendAsync(stillValid)).StatusCode);
    }
}
