namespace EdgeGateway.Policies.Redis;

/// <summary>The <c>RateLimit:*</c> settings: where rate-limit and quota counters live.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    public RateLimitRedisOptions Redis { get; set; } = new();
}

/// <summary><c>RateLimit:Redis:*</c>: counters shared by every gateway naming the same server.</summary>
public sealed class RateLimitRedisOptions
{
    /// <summary>A StackExchange.Redis connection string (<c>host:port,password=...,ssl=true</c>); unset: counters stay in this process.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// What a check does while Redis is unreachable: <c>open</c> (the default) counts in this process instead, so traffic
    /// keeps flowing with per-instance limits; <c>closed</c> refuses the request with 503, so no limit is ever exceeded.
    /// </summary>
    public string FailureMode { get; set; } = RedisFailureModes.Open;
}

/// <summary>The <c>Cache:*</c> settings: where cache-store keeps responses.</summary>
public sealed class CacheOptions
{
    public const string Section = "Cache";

    /// <summary>Bytes the in-memory cache may hold (default <see cref="Caching.MemoryResponseCache.DefaultMaxBytes"/>); not used with Redis, whose own <c>maxmemory</c> bounds it.</summary>
    public long? MaxSize { get; set; }

    public CacheRedisOptions Redis { get; set; } = new();
}

/// <summary><c>Cache:Redis:*</c>: a response cache shared by every gateway naming the same server.</summary>
public sealed class CacheRedisOptions
{
    /// <summary>A StackExchange.Redis connection string; unset: responses are cached in this process.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>The values of <c>RateLimit:Redis:FailureMode</c>.</summary>
public static class RedisFailureModes
{
    public const string Open = "open";
    public const string Closed = "closed";
}
