using EdgeGateway.Backup;
using EdgeGateway.Configuration;
using EdgeGateway.Health;
using EdgeGateway.Policies;
using EdgeGateway.Proxy;
using EdgeGateway.Sync;
using EdgeGateway.Telemetry;

namespace EdgeGateway.Hosting;

/// <summary>Registration of the gateway's pieces: what Program.cs lists.</summary>
internal static class GatewayApplication
{
    public static void AddGateway(this WebApplicationBuilder builder, GatewaySettings settings, InitialConfig initial, SnapshotBackups? backups,
        PolicyServices policyServices)
    {
        var services = builder.Services;
        var time = TimeProvider.System;
        var state = new ConfigState(time);
        if (initial.Runtime is not null)
        {
            state.Apply(initial.Runtime);
        }

        if (initial.FileProblems.Count > 0)
        {
            state.Refuse($"file:{Path.GetFullPath(settings.Gateway.ConfigFile!)}", initial.FileProblems);
        }

        services.AddSingleton(time);
        services.AddSingleton(settings);
        services.AddSingleton(initial);
        services.AddSingleton(state);
        services.AddSingleton(policyServices);
        var propagate = TraceContextUse.Propagates(builder.Configuration, settings);
        policyServices.PropagateTraceContext = propagate;
        services.AddSingleton<RequestCounters>();
        services.AddRequestTelemetry(settings, time);
        services.AddSingleton<HealthEndpoints>();
        services.AddSingleton<AdminEndpoints>();
        services.AddHostedService<StartupReporter>();
        services.AddHostedService<ShutdownReporter>();
        services.AddProxy(propagate);
        services.AddHostedService<ActiveHealthChecker>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Gateway.ShutdownTimeout);

        if (settings.Hybrid)
        {
            services.AddManagementPlaneSync(state, time);
        }
        else
        {
            services.AddSingleton(sp => new FileConfigSource(settings.Gateway.ConfigFile!, sp.GetRequiredService<SnapshotApplier>(), state, time,
                sp.GetRequiredService<ILoggerFactory>(), initial));
        }

        services.AddSingleton<SnapshotApplier>();
        if (backups is not null)
        {
            services.AddSingleton(backups);
            var backupStatus = new BackupStatus(backups.StoreName);
            if (initial.Runtime is { FromBackup: true } restored)
            {
                // What the store holds is what was just read from it, not only what this process writes.
                backupStatus.Restored(restored.Revision);
            }

            services.AddSingleton(backupStatus);
            services.AddHostedService<BackupWriter>();
        }
    }

    public static void UseGateway(this WebApplication app)
    {
        // Prometheus's /metrics pipeline, built before the endpoints that serve it are (Telemetry:Prometheus:Enabled only).
        app.Services.GetService<Telemetry.Export.TelemetryExport>()?.BuildScrape(app);
        var handler = app.Services.GetRequiredService<GatewayRequestHandler>();
        var admin = app.Services.GetRequiredService<AdminEndpoints>();
        var policyServices = app.Services.GetRequiredService<PolicyServices>();
        policyServices.Logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeGateway.Policies");
        policyServices.Certificates.WarnExpiring(); // the start-up config's certificates loaded before this logger existed
        if (policyServices.Redis is { } redis)
        {
            // Connects in the background from here (logging can say so), and closes with the host.
            redis.Start(app.Services.GetRequiredService<ILoggerFactory>());
            app.Lifetime.ApplicationStopped.Register(() => redis.DisposeAsync().AsTask().GetAwaiter().GetResult());
        }

        // send-one-way-request calls still running when the host stops are cancelled, not left to run out their timeouts.
        app.Lifetime.ApplicationStopping.Register(policyServices.SideCalls.Stop);

        // authentication-certificate's backend clients that the applied config no longer uses are let go of.
        app.Services.GetRequiredService<ConfigState>().Applied += runtime => policyServices.Certificates.Keep(runtime.CertificateThumbprints);

        TelemetryRegistration.Start(app);

        app.Run(admin.Enabled ? context => admin.IsAdmin(context) ? admin.HandleAsync(context) : handler.InvokeAsync(context) : handler.InvokeAsync);
    }

    private static void AddProxy(this IServiceCollection services, bool propagateTraceContext)
    {
        services.AddHttpForwarder();
        services.AddSingleton(_ => BackendHandler.Create(propagateTraceContext));
        services.AddSingleton(sp => new HttpMessageInvoker(sp.GetRequiredService<SocketsHttpHandler>()));

        // The same connection pool, through the retry loop and the breakers' bookkeeping: only requests that need them take it.
        services.AddSingleton(sp => new ResilienceHandler(sp.GetRequiredService<SocketsHttpHandler>(), sp.GetRequiredService<PolicyServices>().Time,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeGateway.Resilience")));
        services.AddSingleton<GatewayRequestHandler>();
    }
}
