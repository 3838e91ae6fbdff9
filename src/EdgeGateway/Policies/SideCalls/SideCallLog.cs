namespace EdgeGateway.Policies.SideCalls;

/// <summary>send-request's log messages: the target's host and why a call failed, never a header, a body or a query string.</summary>
internal static partial class SideCallLog
{
    [LoggerMessage(340, LogLevel.Warning, "{Policy} to {Host} failed: {Reason} ({Detail})")]
    public static partial void Failed(ILogger logger, string policy, string host, string reason, string detail);

    [LoggerMessage(341, LogLevel.Warning, "send-one-way-request to {Host} failed: {Reason} ({Detail})")]
    public static partial void OneWayFailed(ILogger logger, string host, string reason, string detail);

    [LoggerMessage(342, LogLevel.Warning,
        "{Policy} with cachingType external: Cache:Redis:ConnectionString is not set, so this gateway keeps the values in its own memory")]
    public static partial void ExternalCacheMissing(ILogger logger, string policy);

    [LoggerMessage(343, LogLevel.Warning,
        "send-one-way-request to {Host} dropped: {InFlight} calls already running (the process's cap); {Dropped} dropped since the last line")]
    public static partial void OneWayDropped(ILogger logger, string host, int inFlight, long dropped);
}
