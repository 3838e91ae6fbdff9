using System.Text;

namespace EdgeGateway.Logging;

/// <summary>
/// A small single-line console logger. Microsoft's console provider brings options monitors, three
/// formatters and their open-generic registrations, which cost several milliseconds of Native AOT
/// start-up (docs/performance.md); this one is constructed directly and writes whole lines to stderr.
/// </summary>
internal sealed class GatewayConsoleLoggerProvider(LogLevel minimum, TimeProvider time) : ILoggerProvider
{
    private readonly Lock gate = new();
    private readonly TextWriter output = Console.Error;

    public ILogger CreateLogger(string categoryName) => new GatewayConsoleLogger(this, categoryName);

    public void Dispose() => output.Flush();

    private void Write(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        var line = new StringBuilder(128)
            .Append(time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture))
            .Append(' ').Append(Label(level)).Append(' ').Append(category).Append('[').Append(eventId.Id).Append("] ")
            .Append(message);
        if (exception is not null)
        {
            line.Append(" | ").Append(exception.GetType().Name).Append(": ").Append(exception.Message);
        }

        lock (gate)
        {
            output.WriteLine(line.ToString());
        }
    }

    private static string Label(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    /// <summary>The logger category of ASP.NET Core's per-request hosting logs.</summary>
    internal const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private sealed class GatewayConsoleLogger(GatewayConsoleLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.MinimumFor(category) && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, eventId, formatter(state, exception), exception);
            }
        }
    }

    /// <summary>
    /// Framework chatter (per-request logs) only from Warning up; our own categories from the configured level. ASP.NET Core's
    /// hosting diagnostics category is off: it logs only per-request Information/Debug lines, and while any level of it is on,
    /// hosting starts an Activity for every request (HostingApplicationDiagnostics.BeginRequest) that nobody records.
    /// </summary>
    private LogLevel MinimumFor(string category) =>
        category == HostingDiagnosticsCategory ? LogLevel.None
        : category.StartsWith("Microsoft", StringComparison.Ordinal) || category.StartsWith("Yarp", StringComparison.Ordinal)
            ? (minimum > LogLevel.Warning ? minimum : LogLevel.Warning)
            : minimum;
}
