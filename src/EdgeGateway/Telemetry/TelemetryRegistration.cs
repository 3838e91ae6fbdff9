using System.Diagnostics;
using EdgeGateway.Configuration;

namespace EdgeGateway.Telemetry;

/// <summary>The gateway's own instrumentation in the host: request telemetry, the access log, trace-context handling, gauges.</summary>
internal static class TelemetryRegistration
{
    public static void AddRequestTelemetry(this IServiceCollection services, GatewaySettings settings, TimeProvider time)
    {
        var options = settings.RequestTelemetry;
        var accessLog = options.AccessLogEnabled ? new AccessLog(options.AccessLogSampleRatio, settings.Gateway.Region, settings.TrustedProxies) : null;
        services.AddSingleton(new RequestTelemetry(settings.Gateway.Id, accessLog, time));
        if (accessLog is not null)
        {
            services.AddSingleton(accessLog);
            services.AddSingleton(_ => new AccessLogSink(Console.OpenStandardOutput()));
            services.AddHostedService<AccessLogWriter>();
        }

        if (!options.AcceptIncoming)
        {
            // Read by ASP.NET Core's hosting when it starts the request's activity (the last registration wins).
            services.AddSingleton<DistributedContextPropagator>(new IgnoreIncomingPropagator());
        }
    }

    /// <summary>
    /// At start: the observable gauges over the host's state, and, with the access log on, an activity listener that asks
    /// ASP.NET Core for a (not recorded) activity per request, so each line has a CorrelationId and the backend gets a
    /// traceparent even without a trace exporter. Both end with the host.
    /// </summary>
    public static void Start(WebApplication app)
    {
        var services = app.Services;
        var settings = services.GetRequiredService<GatewaySettings>();
        var gauges = new GatewayGauges(services.GetRequiredService<ConfigState>(), services.GetService<Sync.SyncStatus>(),
            services.GetService<Backup.BackupStatus>(), services.GetRequiredService<Policies.PolicyServices>().Redis, settings.Gateway.Id,
            services.GetRequiredService<TimeProvider>());
        app.Lifetime.ApplicationStopped.Register(gauges.Dispose);

        if (settings.RequestTelemetry.AccessLogEnabled)
        {
            var listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            };
            ActivitySource.AddActivityListener(listener);
            app.Lifetime.ApplicationStopped.Register(listener.Dispose);
        }
    }
}
