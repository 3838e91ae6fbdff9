using EdgeGateway.Policies.Caching;
using StackExchange.Redis;

namespace EdgeGateway.Policies.Redis;

/// <summary>
/// Responses in Redis under <c>edgegw:cache:{key}</c> (GET, and SET with PX for the time to live), shared by every gateway
/// naming the same server; Redis's own <c>maxmemory</c> policy bounds the size. While Redis is unreachable every lookup is a
/// miss and every store is dropped: the backend answers instead, which is slower, never wrong.
/// </summary>
internal sealed class RedisResponseCache(RedisLink link) : IResponseCache
{
    public const string KeyPrefix = "edgegw:cache:";

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
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            link.Failed(ex);
            return null;
        }
    }

    public async ValueTask SetAsync(string key, byte[] value, TimeSpan timeToLive)
    {
        if (timeToLive <= TimeSpan.Zero || link.Database() is not { } database)
        {
            return;
        }

        try
        {
            await database.StringSetAsync(KeyPrefix + key, value, timeToLive, When.Always);
            link.Succeeded();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            link.Failed(ex);
        }
    }
}
