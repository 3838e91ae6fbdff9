using EdgeGateway.Policies.Redis;
using EdgeGateway.Tests.Sync;
using StackExchange.Redis;
using static EdgeGateway.Tests.Policies.Redis.RedisTestKit;

namespace EdgeGateway.Tests.Policies.Redis;

/// <summary>The response cache in a real redis-server: shared by two gateways, expiring with its time to live, a miss while Redis is away.</summary>
public sealed class RedisResponseCacheTests
{
    [Fact]
    public async Task SetAsync_OneGateway_TheOtherFindsItUntilItExpires()
    {
        using var redis = await RedisServer.StartAsync();
        await using var linkA = await ConnectedLinkAsync(redis);
        await using var linkB = await ConnectedLinkAsync(redis);
        using var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var (cacheA, cacheB) = (new RedisResponseCache(linkA), new RedisResponseCache(linkB));
        byte[] body = [1, 2, 3, 0, 255];

        Assert.Null(await cacheB.GetAsync("GET /a"));
        await cacheA.SetAsync("GET /a", body, TimeSpan.FromSeconds(1));

        Assert.Equal(body, await cacheB.GetAsync("GET /a"));
        var ttl = await probe.GetDatabase().KeyTimeToLiveAsync(RedisResponseCache.KeyPrefix + "GET /a");
        Assert.True(ttl is { } left && left > TimeSpan.Zero && left <= TimeSpan.FromSeconds(1), $"stored with its time to live (TTL {ttl})");
        await UntilAsync(async () => await cacheB.GetAsync("GET /a") is null, "the entry expires");
    }

    [Fact]
    public async Task GetAsync_RedisKilled_MissesDropsStoresAndLogsOnce()
    {
        using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerFactory();
        await using var link = await ConnectedLinkAsync(redis, logs);
        var cache = new RedisResponseCache(link);
        await cache.SetAsync("k", [42], TimeSpan.FromMinutes(5));
        Assert.Equal([42], await cache.GetAsync("k"));

        redis.Kill();

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await cache.GetAsync("k"));
            await cache.SetAsync("k", [43], TimeSpan.FromMinutes(5));
        }

        Assert.Equal(1, logs.Count(UnreachableEvent));
        Assert.False(link.IsUp);
    }
}
