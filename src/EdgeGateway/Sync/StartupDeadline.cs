using EdgeGateway.Configuration;
using Log = EdgeGateway.Sync.ManagementPlaneSync.Log;

namespace EdgeGateway.Sync;

/// <summary>
/// Nothing usable anywhere (no backup, no snapshot from the plane within <c>ManagementPlane:StartupTimeout</c>): the gateway does
/// not pretend. It exits non-zero, naming what was tried and the settings to check.
/// </summary>
internal sealed class StartupDeadline(ConfigState state, SyncStatus status, ManagementPlaneClient client, GatewaySettings settings,
    IHostApplicationLifetime lifetime, TimeProvider time, ILoggerFactory loggerFactory)
{
    private readonly ILogger logger = loggerFactory.CreateLogger(Log.Category);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(settings.ManagementPlane.StartupTimeout, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (state.Current is not null)
        {
            return;
        }

        var backup = settings.BackupStore is null ? "no backup store (Backup:Provider is none)" : $"no valid backup in {settings.BackupStore.Name}";
        Log.GivingUp(logger, settings.ManagementPlane.StartupTimeout, client.BaseAddress.ToString(), status.LastError ?? "no answer", backup);
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }
}
