namespace ManagementPlane.Diagnostics;

/// <summary>
/// APPLICATIONINSIGHTS_CONNECTION_STRING is set by the cloud templates already; exporting to it arrives with issue 14.
/// Until then one line at start says so, so an operator does not look for telemetry that is not sent. Never the value.
/// </summary>
internal static partial class TelemetryNotice
{
    public const string Variable = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static void LogIfConfigured(ILoggerFactory loggers)
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
        {
            LogNotYet(loggers.CreateLogger("ManagementPlane"), Variable);
        }
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "{Variable} is set, but exporting telemetry to Application Insights is not in this build yet: logs go to the console only")]
    private static partial void LogNotYet(ILogger logger, string variable);
}
