using ManagementPlane.Hosting;
using Microsoft.Extensions.Options;

namespace ManagementPlane.State;

/// <summary>Re-reads the head record every <c>Management:StatePollInterval</c> so writes by another instance wake this one's long polls.</summary>
internal sealed partial class StateWatcher(StateStore state, IOptions<ManagementOptions> options, TimeProvider time, ILogger<StateWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StatePollInterval, time);
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await state.ReadAsync(stoppingToken);
                    if (failing)
                    {
                        failing = false;
                        LogRecovered(logger);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Log once per state change, keep the last good state.
                    if (!failing)
                    {
                        failing = true;
                        LogReadFailed(logger, ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-reading the state store failed: {Reason}; long polls see only this instance's writes until it recovers")]
    private static partial void LogReadFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-reading the state store works again")]
    private static partial void LogRecovered(ILogger logger);
}
