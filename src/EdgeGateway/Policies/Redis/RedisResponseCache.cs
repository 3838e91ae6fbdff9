using EdgeGateway.Policies.Caching;
using StackExchange.Redis;

namespace EdgeGateway.Policies.Redis;

/// <summary>
/// Responses in Redis under <c>edgegw:cache:{key}</c> (GET, and SET with PX for the time to live), shared by every gateway
/// naming the same server; Redis's own <c>maxmemory</c> policy bounds the size. While Redis is unreachable every lookup is a
/// miss and every store is dropped: the backend answers instead, which is slower, never wrong. A call Redis refuses (a key of
/// the wrong type, OOM on a write) is a miss or a dropped store too, without marking Redis down. Values above
/// <see cref="MaxValueBytes"/> are not stored: one big value would hold up the calls behind it on the connection.
/// </summary>
internal sealed class RedisResponseCache(RedisLink link) : IResponseCache
{
    public const string KeyPrefix = "edgegw:cache:";

    /// <summary>The largest entry kept in Redis (4 MiB); a larger response is served, not cached.</summary>
    public const int MaxValueBytes = 4 * 1024 * 1024;

    public async ValueTask<byte[]?> GetAsync(string key)
    {
        if (link.Database() is not { } database)
        {
            return null;
        }

        try
        {
            var value = await database.StringGetAsync(KeyPrefix + key);
            link.Succeeded();
            return (byte[]?)value;
        }
        catch (Exception ex) when (RedisErrors.IsRedisFailure(ex))
        {
            RedisErrors.Report(link, ex);
            return null;
        }
    }

    public async ValueTask SetAsync(string key, byte[] value, TimeSpan timeToLive)
    {
        if (timeToLive <= TimeSpan.Zero || value.Length > MaxValueBytes || link.Database() is not { } database)
        {
            return;
        }

        try
        {
            await database.StringSetAsync(KeyPrefix + key, value, timeToLive, When.Always);
            link.Succeeded();
        }
        catch (Exception ex) when (RedisErrors.IsRedisFailure(ex))
        {
            RedisErrors.Report(link, ex);
        }
    }

    public async ValueTask RemoveAsync(string key)
    {
        if (link.Database() is not { } database)
        {
            return;
        }

        try
        {
            await database.KeyDeleteAsync(KeyPrefix + key);
            link.Succeeded();
        }
        catch (Exception ex) when (RedisErrors.IsRedisFailure(ex))
        {
            RedisErrors.Report(link, ex);
        }
    }
}
