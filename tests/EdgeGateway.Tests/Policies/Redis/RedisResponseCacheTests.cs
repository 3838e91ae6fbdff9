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
        var before = DateTime.UtcNow.AddSeconds(30).AddMilliseconds(-1);
        await cacheA.SetAsync("GET /a", body, TimeSpan.FromSeconds(30));
        var after = DateTime.UtcNow.AddSeconds(30).AddMilliseconds(1);

        Assert.Equal(body, await cacheB.GetAsync("GET /a"));
        var expires = await probe.GetDatabase().KeyExpireTimeAsync(RedisResponseCache.KeyPrefix + "GET /a");
        Assert.True(expires >= before && expires <= after, $"stored with its time to live: expires {expires:O}, set between {before:O} and {after:O}");

        // Expiry itself, on a short-lived entry.
        await cacheA.SetAsync("GET /short", body, TimeSpan.FromMilliseconds(300));
        await UntilAsync(async () => await cacheB.GetAsync("GET /short") is null, "the entry expires");
        Assert.Equal(body, await cacheB.GetAsync("GET /a"));
    }

    [Fact]
    public async Task GetAsync_RedisRefusesTheCall_AMissAndRedisStaysInUse()
    {
        using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerFactory();
        await using var link = await ConnectedLinkAsync(redis, logs);
        using var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var cache = new RedisResponseCache(link);
        // Another program's hash under the entry's key: Redis answers WRONGTYPE.
        await probe.GetDatabase().HashSetAsync(RedisResponseCache.KeyPrefix + "GET /taken", "f", "v");

        Assert.Null(await cache.GetAsync("GET /taken"));

        Assert.True(link.IsUp);
        Assert.Equal(0, logs.Count(UnreachableEvent));
        Assert.Equal(1, logs.Count(CallFailedEvent));
        await cache.SetAsync("GET /free", [7], TimeSpan.FromMinutes(5));
        Assert.Equal([7], await cache.GetAsync("GET /free"));
    }

    [Fact]
    public async Task SetAsync_ValueOverTheCap_NotKeptInRedis()
    {
        using var redis = await RedisServer.StartAsync();
        await using var link = await ConnectedLinkAsync(redis);
        var cache = new RedisResponseCache(link);

        await cache.SetAsync("GET /big", new byte[RedisResponseCache.MaxValueBytes + 1], TimeSpan.FromMinutes(5));
        await cache.SetAsync("GET /fits", new byte[RedisResponseCache.MaxValueBytes], TimeSpan.FromMinutes(5));

        Assert.Null(await cache.GetAsync("GET /big"));
        Assert.Equal(RedisResponseCache.MaxValueBytes, (await cache.GetAsync("GET /fits"))?.Length);
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
