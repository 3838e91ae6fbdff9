namespace EdgeGateway.Policies.Traffic;

/// <summary>Log messages of the traffic policies (rate limits, quotas, concurrency). Never a counter key: it may be a caller's identity.</summary>
internal static partial class TrafficLog
{
    [LoggerMessage(140, LogLevel.Warning, "End-of-request work of {Policy} failed: {ExceptionType}: {ExceptionMessage}")]
    public static partial void EndWorkFailed(ILogger logger, string policy, string exceptionType, string exceptionMessage);

    [LoggerMessage(141, LogLevel.Warning, "{Policy}: the counter store is unavailable, the request is refused with 503: {Reason}")]
    public static partial void StoreUnavailable(ILogger logger, string policy, string reason);
}
