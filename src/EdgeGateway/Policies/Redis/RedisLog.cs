namespace EdgeGateway.Policies.Redis;

/// <summary>What a Redis link says: one line per change of state, never per request, never a connection string.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(1100, LogLevel.Information, "Redis for {Uses}: connecting to {Servers} in the background")]
    public static partial void Connecting(ILogger logger, string uses, string servers);

    [LoggerMessage(1101, LogLevel.Information, "Redis for {Uses}: connected to {Servers}")]
    public static partial void Connected(ILogger logger, string uses, string servers);

    [LoggerMessage(1102, LogLevel.Warning, "Redis for {Uses} unreachable ({Servers}): {Fallback} until it is back. Cause: {Reason}")]
    public static partial void Unreachable(ILogger logger, string uses, string servers, string fallback, string reason);

    [LoggerMessage(1103, LogLevel.Information, "Redis for {Uses} is back ({Servers}) after {Outage}: shared again")]
    public static partial void Restored(ILogger logger, string uses, string servers, TimeSpan outage);

    [LoggerMessage(1104, LogLevel.Warning, "Redis for {Uses} ({Servers}) refused a call, which fell back (it stays in use; logged at most once a minute): {Reason}")]
    public static partial void CallFailed(ILogger logger, string uses, string servers, string reason);
}
