using EdgeGateway.Configuration;
using EdgeGateway.Hosting;
using EdgeGateway.Policies;
using EdgeGateway.Policies.Caching;
using EdgeGateway.Policies.Redis;
using EdgeGateway.Policies.Traffic;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Tests.Configuration;

/// <summary>The RateLimit:* and Cache:* settings: refused at start naming the setting (never echoing a password), and what they build.</summary>
public sealed class RedisSettingsTests
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

    [Theory]
    [InlineData("RateLimit:Redis:FailureMode", "sometimes", "RateLimit:Redis:FailureMode 'sometimes' must be open")]
    [InlineData("RateLimit:Redis:FailureMode", "closed", "RateLimit:Redis:FailureMode is closed but RateLimit:Redis:ConnectionString is not set")]
    [InlineData("RateLimit:Redis:ConnectionString", "password=s3cret-value", "RateLimit:Redis:ConnectionString names no server")]
    [InlineData("Cache:Redis:ConnectionString", "127.0.0.1:6380,password=s3cret-value,bogus=1", "Cache:Redis:ConnectionString is not a StackExchange.Redis connection string")]
    [InlineData("Cache:MaxSize", "0", "Cache:MaxSize 0 must be a positive number of bytes")]
    public void Read_BadRedisSetting_RefusedNamingItWithoutThePassword(string key, string value, string message)
    {
        var error = Assert.Throws<StartupException>(() => Read((key, value)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task For_NoRedisSettings_LocalCountersAndMemoryCacheOfTheConfiguredSize()
    {
        var services = PolicyServices.For(Read(("Cache:MaxSize", "1000")));

        Assert.Null(services.Redis);
        Assert.IsType<LocalCounterStore>(services.Counters);
        var cache = Assert.IsType<MemoryResponseCache>(services.Cache);
        await cache.SetAsync("k", new byte[2000], TimeSpan.FromMinutes(1));
        Assert.Equal(0, cache.Size);
        Assert.False(RedisStores.None.RateLimit.Configured);
    }

    [Fact]
    public async Task For_BothSettingsNameOneServer_CountersAndCacheEachHaveTheirOwnLinkAndClosedIsNotReadyYet()
    {
        var settings = Read(("RateLimit:Redis:ConnectionString", "127.0.0.1:1"), ("RateLimit:Redis:FailureMode", "Closed"),
            ("Cache:Redis:ConnectionString", "127.0.0.1:1"));

        var services = PolicyServices.For(settings);

        await using var redis = services.Redis!;
        Assert.IsType<RedisCounterStore>(services.Counters);
        Assert.IsType<RedisResponseCache>(services.Cache);
        // A connection each: a large cached response never queues a counter check behind it.
        Assert.NotSame(redis.CounterLink, redis.CacheLink);
        // Not started yet (the host starts it): a check refuses at once instead of waiting on Redis, and the instance is not ready.
        Assert.True((await services.Counters.AddAsync("k", DateTimeOffset.UtcNow.AddMinutes(1), 1, 5)).Unavailable);
        Assert.False(redis.Ready);
        Assert.Equal("connecting", redis.Status(DateTimeOffset.UtcNow).RateLimit.State);
    }
}
