using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EdgeGateway.Telemetry.Export;

/// <summary>Who is exporting: the resource every signal carries (Azure Monitor's cloud role name and instance come from it).</summary>
/// <param name="DefaultServiceName">service.name unless OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) says otherwise.</param>
/// <param name="Version">service.version: the binary's version.</param>
/// <param name="InstanceId">service.instance.id: host-pid-random, as the heartbeat's instance id.</param>
/// <param name="GatewayId">edgegateway.gateway.id when known (the gateway's Gateway:Id).</param>
internal sealed record TelemetryIdentity(string DefaultServiceName, string Version, string InstanceId, string? GatewayId)
{
    public static string NewInstanceId() =>
        $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant();
}

/// <summary>
/// The OpenTelemetry providers of one process, built only when an exporter is configured (<see cref="TelemetryExportSettings.Any"/>):
/// traces and metrics through <see cref="Sdk"/>'s own builders (their small private service collections, not the host's
/// container, so nothing is added to the host's start-up resolution), logs through the host's logging builder beside the
/// console logger. Everything exports from background threads through bounded queues (the SDK's defaults: 2048 spans or
/// log records, dropped when full); <see cref="Shutdown"/> flushes within <see cref="TelemetryExportSettings.ShutdownTimeout"/>.
/// </summary>
internal sealed class TelemetryExport
{
    private readonly TelemetryExportSettings settings;

    private TelemetryExport(TelemetryExportSettings settings, TracerProvider? tracer, MeterProvider? meters)
    {
        this.settings = settings;
        Tracer = tracer;
        Meters = meters;
    }

    public TracerProvider? Tracer { get; }

    public MeterProvider? Meters { get; }

    /// <summary>The host's OpenTelemetry logger provider, once the host is built (shut down with the others).</summary>
    public LoggerProvider? Logs { get; set; }

    /// <summary>Serves the Prometheus text format (with Telemetry:Prometheus:Enabled, once <see cref="BuildScrape"/> ran); null otherwise.</summary>
    public RequestDelegate? Scrape { get; private set; }

    /// <summary>
    /// The exporter's scraping middleware as a pipeline of its own (a branch of <paramref name="app"/> that only it is in), so
    /// a caller that owns the routing (the gateway's one terminal handler) calls it for <c>/metrics</c> and no other request pays for it.
    /// </summary>
    public RequestDelegate? BuildScrape(IApplicationBuilder app)
    {
        if (settings.Prometheus && Meters is { } meters && Scrape is null)
        {
            var branch = app.New();
            branch.UseOpenTelemetryPrometheusScrapingEndpoint(meters, static _ => true, null, null, null);
            branch.Run(static context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
            Scrape = branch.Build();
        }

        return Scrape;
    }

    public TelemetryExportSettings Settings => settings;

    /// <summary>Builds the trace and metric providers (null when nothing is configured) and adds the log exporter to <paramref name="logging"/>.</summary>
    public static TelemetryExport? Start(TelemetryExportSettings settings, TelemetryIdentity identity, IConfiguration config, ILoggingBuilder logging,
        IEnumerable<string> sources, IEnumerable<string> meters)
    {
        if (!settings.Any)
        {
            return null;
        }

        TracerProvider? tracer = null;
        if (settings.Traces)
        {
            // .NET 10's ASP.NET Core puts the HTTP semantic-convention attributes (http.request.method, url.path, http.route,
            // http.response.status_code, server.address) and the "GET /route" name on its own server span only when asked:
            // without them Azure Monitor shows every request as "Microsoft.AspNetCore.Hosting.HttpRequestIn" with code 0.
            // This replaces the OpenTelemetry.Instrumentation.AspNetCore package (a DiagnosticListener per request).
            AppContext.SetSwitch("Microsoft.AspNetCore.Hosting.SuppressActivityOpenTelemetryData", false);
            var traces = Sdk.CreateTracerProviderBuilder()
                .ConfigureServices(services => services.AddSingleton(config))
                .ConfigureResource(r => Describe(r, identity));
            foreach (var source in sources)
            {
                traces.AddSource(source);
            }

            if (settings.OtlpTraces)
            {
                traces.AddOtlpExporter();
            }

            if (settings.AzureMonitor)
            {
                traces.AddAzureMonitorTraceExporter(o => AzureMonitor(o, settings));
            }

            tracer = traces.Build();
        }

        MeterProvider? meterProvider = null;
        if (settings.Metrics)
        {
            var metrics = Sdk.CreateMeterProviderBuilder()
                .ConfigureServices(services => services.AddSingleton(config))
                .ConfigureResource(r => Describe(r, identity))
                .AddMeter([.. meters]);
            if (settings.OtlpMetrics)
            {
                metrics.AddOtlpExporter();
            }

            if (settings.AzureMonitor)
            {
                metrics.AddAzureMonitorMetricExporter(o => AzureMonitor(o, settings));
            }

            if (settings.Prometheus)
            {
                metrics.AddPrometheusExporter();
            }

            meterProvider = metrics.Build();
        }

        if (settings.Logs)
        {
            // Our [LoggerMessage] logs at the configured level; the framework's own chatter (two Information lines per request
            // from hosting, one per HttpClient call) only from Warning up, as on the console.
            logging.AddFilter<OpenTelemetryLoggerProvider>("Microsoft", LogLevel.Warning);
            logging.AddFilter<OpenTelemetryLoggerProvider>("System", LogLevel.Warning);
            logging.AddFilter<OpenTelemetryLoggerProvider>("Microsoft.Hosting.Lifetime", LogLevel.Information);
            logging.AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.ParseStateValues = true;
                o.SetResourceBuilder(Describe(ResourceBuilder.CreateEmpty(), identity));
                if (settings.OtlpLogs)
                {
                    o.AddOtlpExporter();
                }

                if (settings.AzureMonitor)
                {
                    o.AddAzureMonitorLogExporter(a => AzureMonitor(a, settings));
                }
            });
        }

        return new TelemetryExport(settings, tracer, meterProvider);
    }

    /// <summary>
    /// Flushes and stops every provider, all at once, giving up after Telemetry:ShutdownTimeout: a collector that hangs costs
    /// the stop that long at most (the exporters' threads are background threads and do not keep the process alive).
    /// Returns false when the flush did not finish in time.
    /// </summary>
    public bool Shutdown()
    {
        var budget = (int)settings.ShutdownTimeout.TotalMilliseconds;
        var work = new List<Task>(3);
        if (Tracer is { } tracer)
        {
            work.Add(Task.Factory.StartNew(() => tracer.Shutdown(budget), TaskCreationOptions.LongRunning));
        }

        if (Meters is { } meters)
        {
            work.Add(Task.Factory.StartNew(() => meters.Shutdown(budget), TaskCreationOptions.LongRunning));
        }

        if (Logs is { } logs)
        {
            work.Add(Task.Factory.StartNew(() => logs.Shutdown(budget), TaskCreationOptions.LongRunning));
        }

        return Task.WaitAll([.. work], settings.ShutdownTimeout + TimeSpan.FromMilliseconds(100));
    }

    /// <summary>
    /// Later detectors win: our defaults first, then OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME (the spec's order).
    /// </summary>
    private static ResourceBuilder Describe(ResourceBuilder resource, TelemetryIdentity identity)
    {
        resource.AddService(identity.DefaultServiceName, serviceVersion: identity.Version, autoGenerateServiceInstanceId: false,
            serviceInstanceId: identity.InstanceId);
        if (identity.GatewayId is { } gatewayId)
        {
            resource.AddAttributes([new("edgegateway.gateway.id", gatewayId)]);
        }

        return resource.AddTelemetrySdk().AddEnvironmentVariableDetector();
    }

    /// <summary>
    /// Azure Monitor's exporter, set so it never writes outside memory and never calls home: offline storage off (containers
    /// have a read-only root; a retry buffer on disk would be unbounded work at the next start), Live Metrics off (Statsbeat, the SDK's own usage report, only goes to Azure's public endpoints; APPLICATIONINSIGHTS_STATSBEAT_DISABLED=true turns it off).
    /// </summary>
    private static void AzureMonitor(AzureMonitorExporterOptions options, TelemetryExportSettings settings)
    {
        options.ConnectionString = settings.AzureMonitorConnectionString;
        options.DisableOfflineStorage = true;
        options.EnableLiveMetrics = false;
    }
}
