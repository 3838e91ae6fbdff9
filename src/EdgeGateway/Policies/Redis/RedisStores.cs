using EdgeGateway.Policies.Caching;
using EdgeGateway.Policies.Traffic;

namespace EdgeGateway.Policies.Redis;

/// <summary>
/// The Redis side of <see cref="PolicyServices"/>: the counter store and response cache the settings ask for, each over
/// its own link (its own multiplexer) even when both name the same server: one socket would queue a counter check behind
/// a large cached response, time it out, and take the counters down with it. Built only when a Redis setting is present,
/// so a gateway without Redis never touches StackExchange.Redis.
/// </summary>
internal sealed class RedisStores : IAsyncDisposable
{
    private const string CounterUses = "rate-limit counters";
    private const string CacheUses = "the response cache";

    private readonly bool closed;

    private RedisStores(RedisLink? counterLink, RedisLink? cacheLink, ICounterStore? counters, IResponseCache? cache, bool closed)
    {
        this.closed = closed;
        CounterLink = counterLink;
        CacheLink = cacheLink;
        Counters = counters;
        Cache = cache;
    }

    public RedisLink? CounterLink { get; }

    public RedisLink? CacheLink { get; }

    /// <summary>The Redis counter store, or null when <c>RateLimit:Redis:ConnectionString</c> is unset.</summary>
    public ICounterStore? Counters { get; }

    /// <summary>The Redis response cache, or null when <c>Cache:Redis:ConnectionString</c> is unset.</summary>
    public IResponseCache? Cache { get; }

    /// <summary>
    /// False only while counters fail closed and their Redis has not answered once yet: every rate-limited request would
    /// get 503, so the instance is not ready (<c>/healthz/ready</c>) until then. An outage later does not unready it.
    /// </summary>
    public bool Ready => !closed || CounterLink is null || CounterLink.EverConnected;

    public static bool Configured(RateLimitOptions rateLimit, CacheOptions cache) =>
        !string.IsNullOrWhiteSpace(rateLimit.Redis.ConnectionString) || !string.IsNullOrWhiteSpace(cache.Redis.ConnectionString);

    /// <summary>The stores for validated settings (<see cref="RedisSettings.Validate"/>); null when no Redis is configured.</summary>
    public static RedisStores? Create(RateLimitOptions rateLimit, CacheOptions cache, TimeProvider time) =>
        Configured(rateLimit, cache) ? Build(rateLimit, cache, time) : null;

    private static RedisStores Build(RateLimitOptions rateLimit, CacheOptions cache, TimeProvider time)
    {
        var counterString = rateLimit.Redis.ConnectionString?.Trim();
        var cacheString = cache.Redis.ConnectionString?.Trim();
        var closed = RedisSettings.IsClosed(rateLimit.Redis);
        RedisLink? counterLink = null;
        RedisLink? cacheLink = null;
        if (!string.IsNullOrEmpty(counterString))
        {
            var fallback = closed ? "refusing rate-limited requests with 503" : "counting in this process";
            counterLink = new RedisLink(CounterUses, counterString, fallback, time, closed ? "refusing" : "fallback");
        }

        if (!string.IsNullOrEmpty(cacheString))
        {
            cacheLink = new RedisLink(CacheUses, cacheString, "every lookup misses", time);
        }

        return new RedisStores(counterLink, cacheLink,
            counterLink is null ? null : new RedisCounterStore(counterLink, new LocalCounterStore(time), closed),
            cacheLink is null ? null : new RedisResponseCache(cacheLink), closed);
    }

    /// <summary>Starts connecting in the background (once the host can log): the gateway's start does not wait on Redis.</summary>
    public void Start(ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("EdgeGateway.Redis");
        CounterLink?.Start(logger);
        CacheLink?.Start(logger);
    }

    public RedisStatusBody Status(DateTimeOffset now) => new(
        CounterLink?.Status(now) ?? NotConfigured,
        CacheLink?.Status(now) ?? NotConfigured);

    /// <summary>What the status says without Redis (a gateway built without <see cref="RedisStores"/> shows this too).</summary>
    public static readonly RedisLinkStatus NotConfigured = new(false, null, null, null, null, null);

    public static readonly RedisStatusBody None = new(NotConfigured, NotConfigured);

    public async ValueTask DisposeAsync()
    {
        if (CounterLink is not null)
        {
            await CounterLink.DisposeAsync();
        }

        if (CacheLink is not null)
        {
            await CacheLink.DisposeAsync();
        }
    }
}

/// <summary>The <c>redis</c> block of the status JSON: one entry per use.</summary>
internal sealed record RedisStatusBody(RedisLinkStatus RateLimit, RedisLinkStatus Cache);
