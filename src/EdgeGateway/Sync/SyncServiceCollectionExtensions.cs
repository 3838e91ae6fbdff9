using EdgeGateway.Backup;
using EdgeGateway.Configuration;
using EdgeGateway.Proxy;

namespace EdgeGateway.Sync;

/// <summary>Hybrid mode's pieces: the poller and its loop, heartbeats, the start-up deadline, and the hosted service that runs them.</summary>
internal static class SyncServiceCollectionExtensions
{
    public static IServiceCollection AddManagementPlaneSync(this IServiceCollection services, ConfigState state, TimeProvider time)
    {
        services.AddSingleton<GatewayTokenSource>();
        services.AddSingleton<SyncStatus>();
        services.AddSingleton<ManagementPlaneClient>();
        services.AddSingleton<Trust.Confirmations>();
        services.AddSingleton(sp => new HeartbeatBuilder(state, sp.GetRequiredService<SyncStatus>(), sp.GetRequiredService<RequestCounters>(),
            time, sp.GetService<BackupStatus>()));
        services.AddSingleton<SnapshotPoller>();
        services.AddSingleton<PollLoop>();
        services.AddSingleton<HeartbeatLoop>();
        services.AddSingleton<StartupDeadline>();
        services.AddHostedService<ManagementPlaneSync>();
        return services;
    }
}
