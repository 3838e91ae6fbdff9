using EdgeGateway.Telemetry.Export;

namespace ManagementPlane.Diagnostics;

/// <summary>
/// The plane's exporters, set up the gateway's way (the same settings and checks): its own source and meter plus
/// ASP.NET Core's and HttpClient's. Nothing is built unless an exporter is configured. <c>/metrics</c> (with
/// Telemetry:Prometheus:Enabled) needs no admin key: it carries counts and gateway ids, no secrets, and a Prometheus
/// scraper usually has no key to send; restrict it at the network if that matters (docs/telemetry.md).
/// </summary>
internal static partial class PlaneTelemetryExport
{
    public const string ServiceName = "edgegateway-management";

    public static readonly string[] Sources = [ManagementTelemetry.Name, "Microsoft.AspNetCore", "System.Net.Http"];

    public static readonly string[] Meters =
    [
        ManagementTelemetry.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime",
    ];

    /// <summary>Reads the settings (throws <see cref="TelemetrySettingsException"/> naming a malformed one) and builds the providers.</summary>
    public static TelemetryExport? Start(WebApplicationBuilder builder)
    {
        var settings = TelemetryExportSettings.Read(builder.Configuration);
        var version = typeof(PlaneTelemetryExport).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var telemetry = TelemetryExport.Create(settings, new TelemetryIdentity(ServiceName, version, TelemetryIdentity.NewInstanceId(), null),
            builder.Configuration, builder.Logging, Sources, Meters);
        builder.Services.AddSingleton(settings);
        return telemetry;
    }

    /// <summary>Once built: the line saying what is exported, the bounded flush at stop, and <c>/metrics</c>.</summary>
    public static void Attach(WebApplication app, TelemetryExport? telemetry)
    {
        var settings = app.Services.GetRequiredService<TelemetryExportSettings>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ManagementPlane.Telemetry");
        if (telemetry is null)
        {
            if (settings.Disabled)
            {
                LogExporters(logger, settings.Describe());
            }

            return;
        }

        // Off the path to the first request: the providers are built once the server listens, then the line says so.
        // (With Telemetry:RecordFromFirstRequest: built here, before the server listens.)
        telemetry.Start(app.Lifetime, () => LogExporters(logger, settings.Describe()), what => LogBuildFailed(logger, what));
        if (settings.Traces)
        {
            // The server span's status code, whatever answered (an endpoint, the exception handler, a 401 from the admin-key
            // filter): Application Insights' request result and OTLP's http.response.status_code read it.
            app.Use(static async (context, next) =>
            {
                await next(context);
                System.Diagnostics.Activity.Current?.SetTag("http.response.status_code", context.Response.StatusCode);
            });
        }

        app.Lifetime.ApplicationStopped.Register(() =>
        {
            if (!telemetry.Shutdown())
            {
                LogFlushTimedOut(logger, settings.ShutdownTimeout);
            }
        });

        if (telemetry.BuildScrape(app) is { } scrape)
        {
            app.Map("/metrics", scrape).AllowAnonymous().ExcludeFromDescription();
        }
    }

    [LoggerMessage(1400, LogLevel.Information, "Telemetry export: {Exporters}")]
    private static partial void LogExporters(ILogger logger, string exporters);

    [LoggerMessage(1401, LogLevel.Warning, "Telemetry was not all flushed within Telemetry:ShutdownTimeout ({Timeout}): the collector is slow or unreachable; what was left is dropped")]
    private static partial void LogFlushTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(1402, LogLevel.Error, "Telemetry export of {Signal} could not be built and is off for this run (serving is not affected): check that exporter's OTEL_* settings")]
    private static partial void LogBuildFailed(ILogger logger, string signal);
}
