using EdgeGateway.Configuration;

namespace EdgeGateway.Hosting;

/// <summary>
/// One line when a stop begins and one when it has ended cleanly: on a container platform the log is all that is left of
/// an instance, and these two lines tell a drained scale-in (exit 0) from a kill in the middle of the drain.
/// </summary>
internal sealed partial class ShutdownReporter(IHostApplicationLifetime lifetime, GatewaySettings settings, ILoggerFactory loggerFactory) : IHostedService
{
    private readonly ILogger logger = loggerFactory.CreateLogger("EdgeGateway");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => LogStopping(logger, settings.Gateway.ShutdownTimeout));
        lifetime.ApplicationStopped.Register(() => LogStopped(logger));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(110, LogLevel.Information, "EdgeGateway stopping: no new connections; in-flight requests get up to Gateway:ShutdownTimeout ({Timeout})")]
    private static partial void LogStopping(ILogger logger, TimeSpan timeout);

    [LoggerMessage(111, LogLevel.Information, "EdgeGateway stopped")]
    private static partial void LogStopped(ILogger logger);
}
