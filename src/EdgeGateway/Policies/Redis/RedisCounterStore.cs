using System.Security.Cryptography;
using System.Text;
using EdgeGateway.Policies.Traffic;
using StackExchange.Redis;

namespace EdgeGateway.Policies.Redis;

/// <summary>
/// Rate-limit and quota counters in Redis, shared by every gateway naming the same server: each check is one server-side
/// script (add unless over the limit; a new counter expires a while after its window's end), so concurrent gateways never
/// race and a check costs one round trip. The key is <c>edgegw:rl:{key}:{window end, Unix ms}</c>: a new window is a new
/// key, so the expiry only cleans up and is given <see cref="ExpirySlack"/> beyond the window's end: with a clock ahead of
/// Redis's, or a slow call, an expiry at exactly the end could drop the key while its window is still counting. While
/// Redis is unreachable: <c>open</c> counts in this process (<see cref="LocalCounterStore"/>), <c>closed</c> answers
/// <see cref="CounterResult.StoreUnavailable"/> so the policy answers 503. A call Redis refuses (a key of the wrong type,
/// a script error) is not an outage: that one call falls back (or is refused) the same way.
/// </summary>
internal sealed class RedisCounterStore : ICounterStore
{
    public const string KeyPrefix = "edgegw:rl:";

    /// <summary>How long a counter outlives its window's end in Redis.</summary>
    public static readonly TimeSpan ExpirySlack = TimeSpan.FromSeconds(60);

    // KEYS[1] counter; ARGV[1] amount; ARGV[2] limit (-1: none); ARGV[3] expiry (Unix ms): set once, when the add creates it.
    // Returns the count after adding, or -(count + 1) when the amount would pass the limit (one integer: no array to read).
    internal const string Script = """
        local amount = tonumber(ARGV[1])
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if amount == 0 then return current end
        local limit = tonumber(ARGV[2])
        if limit >= 0 and current + amount > limit then return -current - 1 end
        local count = redis.call('INCRBY', KEYS[1], amount)
        if count == amount then redis.call('PEXPIREAT', KEYS[1], ARGV[3]) end
        return count
        """;

    private static readonly byte[] ScriptHash = SHA1.HashData(Encoding.UTF8.GetBytes(Script));

    private readonly RedisLink link;
    private readonly LocalCounterStore fallback;
    private readonly bool closed;

    public RedisCounterStore(RedisLink link, LocalCounterStore fallback, bool failClosed)
    {
        this.link = link;
        this.fallback = fallback;
        closed = failClosed;
        link.Connected += LoadScript;
    }

    public async ValueTask<CounterResult> AddAsync(string key, DateTimeOffset windowEnd, long amount, long? limit)
    {
        var database = link.Database();
        if (database is null)
        {
            return Unavailable(key, windowEnd, amount, limit);
        }

        RedisKey[] keys = [KeyPrefix + key + ":" + windowEnd.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)];
        RedisValue[] values = [amount, limit ?? -1, (windowEnd + ExpirySlack).ToUnixTimeMilliseconds()];
        RedisResult result;
        try
        {
            try
            {
                result = await database.ScriptEvaluateAsync(ScriptHash, keys, values);
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
            {
                // Redis restarted or its scripts were flushed: EVAL sends the text and caches it again for the next EVALSHA.
                result = await database.ScriptEvaluateAsync(Script, keys, values);
            }
        }
        catch (Exception ex) when (RedisErrors.IsRedisFailure(ex))
        {
            RedisErrors.Report(link, ex);
            return Unavailable(key, windowEnd, amount, limit);
        }

        link.Succeeded();
        var count = (long)result;
        return count < 0 ? new CounterResult(false, -count - 1) : new CounterResult(true, count);
    }

    private CounterResult Unavailable(string key, DateTimeOffset windowEnd, long amount, long? limit) =>
        closed ? CounterResult.StoreUnavailable : fallback.Add(key, windowEnd.UtcTicks, amount, limit);

    /// <summary>Loads the script on every server after each (re)connection, so the first check after it is an EVALSHA that hits.</summary>
    private void LoadScript(IConnectionMultiplexer multiplexer)
    {
        foreach (var server in multiplexer.GetServers())
        {
            if (server.IsConnected)
            {
                // Best effort: a check that finds it missing sends the text instead (NOSCRIPT above).
                _ = server.ScriptLoadAsync(Script).ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            }
        }
    }
}
