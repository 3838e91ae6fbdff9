using StackExchange.Redis;

namespace EdgeGateway.Policies.Redis;

/// <summary>
/// Which failed calls mean Redis is away (the link goes down: fall back until it is back) and which only failed that one
/// call (a key of the wrong type, a script error, OOM on a write): treating those as an outage would stop using a Redis that
/// answers every other call.
/// </summary>
internal static class RedisErrors
{
    /// <summary>Exceptions a Redis call may end with; anything else is a bug and propagates.</summary>
    public static bool IsRedisFailure(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException;

    /// <summary>
    /// No connection, a timeout, a disposed multiplexer, or a server that cannot serve now (still loading its data, a
    /// read-only replica, a replica without its primary).
    /// </summary>
    public static bool IsOutage(Exception ex) => ex switch
    {
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal),
        RedisCommandException => false,
        _ => true,
    };

    /// <summary>Reports a failed call to the link: an outage marks it down, anything else is logged (at most once a minute).</summary>
    public static void Report(RedisLink link, Exception ex)
    {
        if (IsOutage(ex))
        {
            link.Failed(ex);
        }
        else
        {
            link.CallFailed(ex);
        }
    }
}
