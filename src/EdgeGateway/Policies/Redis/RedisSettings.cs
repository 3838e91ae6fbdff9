using System.Runtime.CompilerServices;

namespace EdgeGateway.Policies.Redis;

/// <summary>
/// Checks the <c>RateLimit:*</c> and <c>Cache:*</c> settings at start; every message names the setting to fix and never
/// repeats a connection string (it may hold a password). StackExchange.Redis is only touched when a connection string is set.
/// </summary>
internal static class RedisSettings
{
    public static void Validate(RateLimitOptions rateLimit, CacheOptions cache, List<string> errors)
    {
        var counters = rateLimit.Redis;
        var mode = counters.FailureMode?.Trim();
        if (!string.Equals(mode, RedisFailureModes.Open, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(mode, RedisFailureModes.Closed, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"RateLimit:Redis:FailureMode '{counters.FailureMode}' must be open (count locally while Redis is away) or closed (answer 503)");
        }
        else if (IsClosed(counters) && string.IsNullOrWhiteSpace(counters.ConnectionString))
        {
            errors.Add("RateLimit:Redis:FailureMode is closed but RateLimit:Redis:ConnectionString is not set: closed only applies to counters in Redis");
        }

        if (!string.IsNullOrWhiteSpace(counters.ConnectionString))
        {
            CheckConnectionString("RateLimit:Redis:ConnectionString", counters.ConnectionString, errors);
        }

        if (!string.IsNullOrWhiteSpace(cache.Redis.ConnectionString))
        {
            CheckConnectionString("Cache:Redis:ConnectionString", cache.Redis.ConnectionString, errors);
        }

        if (cache.MaxSize is { } max && max < 1)
        {
            errors.Add($"Cache:MaxSize {max} must be a positive number of bytes (default {Caching.MemoryResponseCache.DefaultMaxBytes})");
        }
    }

    public static bool IsClosed(RateLimitRedisOptions options) =>
        string.Equals(options.FailureMode?.Trim(), RedisFailureModes.Closed, StringComparison.OrdinalIgnoreCase);

    // Its own method: the runtime loads StackExchange.Redis only when a connection string is set.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CheckConnectionString(string setting, string value, List<string> errors)
    {
        try
        {
            var options = StackExchange.Redis.ConfigurationOptions.Parse(value);
            if (options.EndPoints.Count == 0)
            {
                errors.Add($"{setting} names no server: give host:port first (like redis.internal:6379,password=...,ssl=true)");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or NotSupportedException)
        {
            // The parser's messages name the keyword at fault, not the value of a password.
            errors.Add($"{setting} is not a StackExchange.Redis connection string: {ex.Message}");
        }
    }
}
