namespace EdgeGateway.Policies.Caching;

/// <summary>The response cache's log messages: never a key, a header value or a body.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(150, LogLevel.Warning, "cache-lookup could not read the response cache ({ExceptionType}): the request goes to the backend")]
    public static partial void LookupFailed(ILogger logger, string exceptionType);

    [LoggerMessage(151, LogLevel.Debug, "cache-lookup found an entry of {Length} bytes it cannot read (another format or cut short): treated as a miss")]
    public static partial void EntryUnreadable(ILogger logger, int length);

    [LoggerMessage(152, LogLevel.Warning, "cache-store could not write to the response cache ({ExceptionType}): the response was served, not stored")]
    public static partial void StoreFailed(ILogger logger, string exceptionType);
}
