namespace EdgeGateway.Logging;

/// <summary>A logger for what happens before the host (and its logger factory) exists: reading backups at start.</summary>
internal static class StartupLog
{
    public static ILogger Logger { get; } = new GatewayConsoleLoggerProvider(LogLevel.Information, TimeProvider.System).CreateLogger("EdgeGateway.Startup");
}
