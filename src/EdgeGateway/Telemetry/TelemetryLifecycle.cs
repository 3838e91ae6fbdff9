using EdgeGateway.Proxy;
using EdgeGateway.Telemetry.Export;

namespace EdgeGateway.Telemetry;

/// <summary>
/// Builds the exporters once the first request was answered (or a second after the listen without one) and says which are on (never the connection string or OTLP headers), and flushes them when the host
/// has stopped: after the drain, within Telemetry:ShutdownTimeout, so a collector that hangs delays the exit by that much at most.
/// </summary>
internal sealed partial class TelemetryLifecycle(IHostApplicationLifetime lifetime, TelemetryExportSettings settings, IServiceProvider services,
    ILoggerFactory loggerFactory) : IHostedService
{
    private readonly ILogger logger = loggerFactory.CreateLogger("EdgeGateway.Telemetry");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var export = services.GetService<TelemetryExport>();
        if (export is not null)
        {
            // Off the path to the first request: the providers are built once it was answered (or a second after the listen
            // without one), then the line says so (hosted services start before the server: with
            // Telemetry:RecordFromFirstRequest they are built here, first).
            export.Start(lifetime, () => LogExporters(logger, settings.Describe()), what => LogBuildFailed(logger, what),
                services.GetService<RequestCounters>()?.FirstRecorded);
            lifetime.ApplicationStopped.Register(() =>
            {
                if (!export.Shutdown())
                {
                    LogFlushTimedOut(logger, settings.ShutdownTimeout);
                }
            });
        }

        else if (settings.Disabled)
        {
            lifetime.ApplicationStarted.Register(() => LogExporters(logger, settings.Describe()));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(440, LogLevel.Information, "Telemetry export: {Exporters}")]
    private static partial void LogExporters(ILogger logger, string exporters);

    [LoggerMessage(441, LogLevel.Warning, "Telemetry was not all flushed within Telemetry:ShutdownTimeout ({Timeout}): the collector is slow or unreachable; what was left is dropped")]
    private static partial void LogFlushTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(442, LogLevel.Error, "Telemetry export of {Signal} could not be built and is off for this run (serving is not affected): check that exporter's OTEL_* settings")]
    private static partial void LogBuildFailed(ILogger logger, string signal);
}
