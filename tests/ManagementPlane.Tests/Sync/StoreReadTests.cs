using EdgeGateway.Contracts.Sync;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Sync;

/// <summary>What a gateway request costs in store reads: nothing without a usable token, a conditional read with one.</summary>
public sealed class StoreReadTests
{
    // The watcher would read too; an hour keeps it out of the counts.
    private static readonly Dictionary<string, string> NoWatcher = new() { ["Management:StatePollInterval"] = "01:00:00" };

    private static HttpRequestMessage Snapshot(string? authorization, string gateway = "gw1")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath(gateway));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return request;
    }

    private static HttpRequestMessage Heartbeat(string? authorization, string gateway = "gw1")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, SyncProtocol.HeartbeatPath(gateway)) { Content = TestPlane.Json("""{"instanceId":"i-1"}""") };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return request;
    }

    [Fact]
    public async Task Snapshot_AnonymousOrUnusableToken_NeverReadsTheStore()
    {
        CountingStore? store = null;
        await using var plane = await TestPlane.StartAsync(settings: NoWatcher, services: CountingStore.Install(s => store = s));
        var token = await plane.SeedGatewayAsync();
        await plane.PutOkAsync("/gateways/gw2", """{"apis":["echo"]}""");
        store!.Reset();

        var unusable = new[] { null, "GatewayKey garbage", "Bearer " + TestPlane.AdminKey, "GatewayKey gw1&202001010000&AAAA", token.Replace("gw1&", "gw2&", StringComparison.Ordinal) };
        foreach (var authorization in unusable)
        {
            for (var i = 0; i < 5; i++)
            {
                await Problem.AssertAsync(await plane.Anonymous.SendAsync(Snapshot(authorization)), 401);
                await Problem.AssertAsync(await plane.Anonymous.SendAsync(Heartbeat(authorization)), 401);
            }
        }

        await Problem.AssertAsync(await plane.Anonymous.SendAsync(Snapshot(token, gateway: "gw2")), 401);
        Assert.Equal(0, store.FullReads);
        Assert.Equal(0, store.ConditionalReads);
    }

    [Fact]
    public async Task Snapshot_ValidTokenStateUnchanged_ReadsConditionallyWithoutDownloading()
    {
        CountingStore? store = null;
        await using var plane = await TestPlane.StartAsync(settings: NoWatcher, services: CountingStore.Install(s => store = s));
        var token = await plane.SeedGatewayAsync();
        store!.Reset();

        Assert.Equal(200, (int)(await plane.Anonymous.SendAsync(Snapshot(token))).StatusCode);
        Assert.Equal(204, (int)(await plane.Anonymous.SendAsync(Heartbeat(token))).StatusCode);

        Assert.Equal(0, store.Downloads);
        Assert.Equal(2, store.ConditionalReads);
    }

    [Fact]
    public async Task Watcher_StateUnchanged_RereadsWithoutDownloadingUntilAnotherInstanceWrites()
    {
        CountingStore? store = null;
        await using var watching = await TestPlane.StartAsync(services: CountingStore.Install(s => store = s));
        await using var writer = await TestPlane.StartAsync(watching.StorePath, NoWatcher);
        await watching.SeedGatewayAsync();

        // A re-read that started before the last write may still download it; count from after that.
        store!.Reset();
        await EventuallyAsync(() => store.ConditionalReads >= 2, "two re-reads");
        store.Reset();

        // The watcher re-reads every 100 ms here; ten re-reads of an unchanged head record download nothing.
        await EventuallyAsync(() => store.ConditionalReads >= 10, "ten re-reads");
        Assert.Equal(0, store.Downloads);

        await writer.PutOkAsync("/named-values/changed", """{"value":"elsewhere"}""");
        await EventuallyAsync(() => store.Downloads >= 1, "the other instance's write downloaded");
        Assert.Equal(1, (await watching.GetJsonAsync("/named-values"))["count"]!.GetValue<int>());
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 30 s: {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Snapshot_KeyRegeneratedOrGatewayCreatedThroughAnotherInstance_CountsAtOnce()
    {
        await using var first = await TestPlane.StartAsync(settings: NoWatcher);
        await using var second = await TestPlane.StartAsync(first.StorePath, NoWatcher);
        var token = await first.SeedGatewayAsync();

        // The second instance learns of the new gateway from the store, not from its (idle) watcher.
        Assert.Equal(200, (int)(await second.Anonymous.SendAsync(Snapshot(token))).StatusCode);

        await first.PostJsonAsync("/gateways/gw1/regenerate-key", """{"keyType":"primary"}""");
        await Problem.AssertAsync(await second.Anonymous.SendAsync(Snapshot(token)), 401);
        Assert.Equal(200, (int)(await second.Anonymous.SendAsync(Snapshot(await first.TokenAsync("gw1")))).StatusCode);
    }
}
