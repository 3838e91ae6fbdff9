namespace EdgeGateway.Policies.Traffic;

/// <summary>Log messages of the traffic policies (rate limits, quotas, concurrency). Never a counter key: it may be a caller's identity.</summary>
internal static partial class TrafficLog
{
    [LoggerMessage(140, LogLevel.Warning, "End-of-request work of {Policy} failed: {ExceptionType}: {ExceptionMessage}")]
    public static partial void EndWorkFailed(ILogger logger, string policy, string exceptionType, string exceptionMessage);

    // Debug: it is every rate-limited request while Redis is down in closed mode; the outage is logged once (Redis event 1102).
    [LoggerMessage(141, LogLevel.Debug, "{Policy}: the counter store is unavailable, the request is refused with 503")]
    public static partial void StoreUnavailable(ILogger logger, string policy);

    [LoggerMessage(142, LogLevel.Debug, "{Policy}: the counter store is unavailable, the end-of-request count is lost")]
    public static partial void EndCountLost(ILogger logger, string policy);
}
