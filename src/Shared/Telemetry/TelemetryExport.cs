using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Exporter;
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
/// The OpenTelemetry providers of one process, only when an exporter is configured (<see cref="TelemetryExportSettings.Any"/>),
/// and built on a background thread once the server listens (the gateway: once the first request is answered; see
/// <see cref="Start"/>), in <see cref="StartBuilding"/>: their set-up (a small service
/// container per provider, the exporters' HTTP clients) measured about as long as the whole rest of the start, so it is
/// kept off the path to the first request. Traces and metrics use <see cref="Sdk"/>'s own builders (not the host's
/// container); logs reach OpenTelemetry through a <see cref="DeferredLoggerProvider"/> beside the console logger. Requests
/// answered before the build completes (the first few milliseconds) are not in the traces and metrics. Everything exports
/// from background threads through bounded queues (the SDK's defaults: 2048 spans or log records, dropped when full);
/// <see cref="Shutdown"/> flushes within <see cref="TelemetryExportSettings.ShutdownTimeout"/>.
/// </summary>
internal sealed class TelemetryExport
{
    private readonly TelemetryExportSettings settings;
    private readonly TelemetryIdentity identity;
    private readonly IConfiguration config;
    private readonly string[] sources;
    private readonly string[] meters;
    private readonly DeferredLoggerProvider? logs;
    private readonly Lock gate = new();
    private Task built = Task.CompletedTask;
    private bool stopping;
    private Lazy<RequestDelegate>? scrapeBranch;

    private TelemetryExport(TelemetryExportSettings settings, TelemetryIdentity identity, IConfiguration config, string[] sources, string[] meters,
        DeferredLoggerProvider? logs)
    {
        this.settings = settings;
        this.identity = identity;
        this.config = config;
        this.sources = sources;
        this.meters = meters;
        this.logs = logs;
    }

    public TracerProvider? Tracer { get; private set; }

    public MeterProvider? Meters { get; private set; }

    /// <summary>OpenTelemetry's logger provider, once built (shut down with the others).</summary>
    public LoggerProvider? Logs { get; private set; }

    public TelemetryExportSettings Settings => settings;

    /// <summary>Serves the Prometheus text format (with Telemetry:Prometheus:Enabled, once <see cref="BuildScrape"/> ran); null otherwise.</summary>
    public RequestDelegate? Scrape { get; private set; }

    /// <summary>
    /// Reads nothing and builds nothing yet: registers the deferred log provider in <paramref name="logging"/> and returns
    /// what <see cref="StartBuilding"/> builds later; null when no exporter is configured.
    /// </summary>
    public static TelemetryExport? Create(TelemetryExportSettings settings, TelemetryIdentity identity, IConfiguration config, ILoggingBuilder logging,
        IEnumerable<string> sources, IEnumerable<string> meters)
    {
        if (!settings.Any)
        {
            return null;
        }

        DeferredLoggerProvider? logs = null;
        if (settings.Logs)
        {
            // Our [LoggerMessage] logs at the configured level; the framework's own chatter (two Information lines per request
            // from hosting, one per HttpClient call) only from Warning up, as on the console.
            logs = new DeferredLoggerProvider();
            logging.AddProvider(logs);
            logging.AddFilter<DeferredLoggerProvider>("Microsoft", LogLevel.Warning);
            logging.AddFilter<DeferredLoggerProvider>("System", LogLevel.Warning);
            logging.AddFilter<DeferredLoggerProvider>("Microsoft.Hosting.Lifetime", LogLevel.Information);

            // Never this category: ASP.NET Core makes an Activity for every request while its logger is on at any level
            // (for log scopes), so with it on, every request the sampler dropped would still pay for a span nobody exports.
            // Its lines are the per-request start/finish chatter; failures are logged by the server and our handler.
            logging.AddFilter<DeferredLoggerProvider>("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        }

        if (settings.Traces)
        {
            // .NET 10's ASP.NET Core puts the HTTP semantic-convention attributes (http.request.method, url.path,
            // http.response.status_code, server.address) and the "GET /path" name on its own server span only when asked:
            // without them Azure Monitor shows every request as "Microsoft.AspNetCore.Hosting.HttpRequestIn" with code 0.
            // This replaces the OpenTelemetry.Instrumentation.AspNetCore package (a DiagnosticListener per request).
            AppContext.SetSwitch("Microsoft.AspNetCore.Hosting.SuppressActivityOpenTelemetryData", false);
        }

        return new TelemetryExport(settings, identity, config, [.. sources], [.. meters], logs);
    }

    /// <summary>
    /// Builds the providers on a thread-pool thread; <paramref name="done"/> runs once they export (the start-up line).
    /// A provider whose exporter throws while being built (a setting the checks at start could not foresee) is left out:
    /// <paramref name="failed"/> gets the signal and its exporters (never the exception's data, which may hold a header or
    /// a connection string), and the others are still built, so serving and the remaining exporters carry on.
    /// </summary>
    public void StartBuilding(Action done, Action<string> failed)
    {
        lock (gate)
        {
            if (stopping)
            {
                return; // the host stopped before the build began: nothing to build or flush
            }

            built = Task.Run(() =>
            {
                Build(failed);
                done();
            });
        }
    }

    /// <summary>
    /// Builds the providers on the calling thread, before the server listens (Telemetry:RecordFromFirstRequest): the first
    /// request is then traced and counted like any other, and the start waits for the set-up.
    /// </summary>
    public void BuildNow(Action done, Action<string> failed)
    {
        Build(failed);
        done();
    }

    /// <summary>
    /// Builds now (Telemetry:RecordFromFirstRequest), or once the server listens. With <paramref name="firstRequest"/> (the
    /// gateway), not before that request was answered or <see cref="FirstRequestGrace"/> passed without one: on a small
    /// instance the set-up would compete for the CPU with the request that woke it.
    /// </summary>
    public void Start(IHostApplicationLifetime lifetime, Action done, Action<string> failed, Task? firstRequest = null, TimeProvider? time = null)
    {
        if (settings.RecordFromFirstRequest)
        {
            BuildNow(done, failed);
        }
        else if (firstRequest is null)
        {
            lifetime.ApplicationStarted.Register(() => StartBuilding(done, failed));
        }
        else
        {
            lifetime.ApplicationStarted.Register(() =>
                Task.WhenAny(firstRequest, Task.Delay(FirstRequestGrace, time ?? TimeProvider.System))
                    .ContinueWith(_ => StartBuilding(done, failed), TaskScheduler.Default));
        }
    }

    /// <summary>How long after the listen the exporters wait for a first request before they are built all the same.</summary>
    public static readonly TimeSpan FirstRequestGrace = TimeSpan.FromSeconds(1);

    private void Build(Action<string> failed)
    {
        Guard(BuildTraces, $"traces ({Exporters(settings.OtlpTraces, false)})", failed);
        Guard(BuildMetrics, $"metrics ({Exporters(settings.OtlpMetrics, settings.Prometheus)})", failed);
        Guard(BuildLogs, $"logs ({Exporters(settings.OtlpLogs, false)})", failed);
    }

    private static void Guard(Action build, string what, Action<string> failed)
    {
        try
        {
            build();
        }
        catch (Exception)
        {
            failed(what);
        }
    }

    private string Exporters(bool otlp, bool prometheus) =>
        string.Join(", ", new[] { otlp ? "OTLP" : null, settings.AzureMonitor ? "Azure Monitor" : null, prometheus ? "Prometheus" : null }.OfType<string>());

    private void BuildTraces()
    {
        if (settings.Traces)
        {
            var traces = Sdk.CreateTracerProviderBuilder()
                .ConfigureServices(services => services.AddSingleton(config))
                .ConfigureResource(r => Describe(r, identity))
                .AddSource(sources);
            if (settings.OtlpTraces)
            {
                traces.AddOtlpExporter(o => Otlp(o, settings, "TRACES"));
            }

            if (settings.AzureMonitor)
            {
                traces.AddAzureMonitorTraceExporter(o => AzureMonitor(o, settings));
            }

            // Ours, for every exporter (OTEL_TRACES_SAMPLER / _ARG; default: parent-based, 5 new traces/s). Set after the
            // Azure Monitor exporter, which sets the whole provider's sampler (OTLP's spans too) to its own.
            traces.SetSampler(StandardSampler.FromConfiguration(config));

            Tracer = traces.Build();
        }
    }

    private void BuildMetrics()
    {
        if (settings.Metrics)
        {
            var metrics = Sdk.CreateMeterProviderBuilder()
                .ConfigureServices(services => services.AddSingleton(config))
                .ConfigureResource(r => Describe(r, identity))
                .AddMeter(meters);
            if (settings.OtlpMetrics)
            {
                metrics.AddOtlpExporter(o => Otlp(o, settings, "METRICS"));
            }

            if (settings.AzureMonitor)
            {
                metrics.AddAzureMonitorMetricExporter(o => AzureMonitor(o, settings));
            }

            if (settings.Prometheus)
            {
                metrics.AddPrometheusExporter();
            }

            Meters = metrics.Build();
        }
    }

    private void BuildLogs()
    {
        if (logs is not null)
        {
            var services = new ServiceCollection();
            services.AddSingleton(config);
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.ParseStateValues = true;
                o.SetResourceBuilder(Describe(ResourceBuilder.CreateEmpty(), identity));
                if (settings.OtlpLogs)
                {
                    o.AddOtlpExporter(e => Otlp(e, settings, "LOGS"));
                }

                if (settings.AzureMonitor)
                {
                    o.AddAzureMonitorLogExporter(a => AzureMonitor(a, settings));
                }
            }));
            var provider = services.BuildServiceProvider();
            var factory = provider.GetRequiredService<ILoggerFactory>();
            Logs = provider.GetService<LoggerProvider>();
            logs.Connect(factory);
        }
    }

    /// <summary>
    /// The exporter's scraping middleware as a pipeline of its own (a branch of <paramref name="app"/> that only it is in), so
    /// a caller that owns the routing (the gateway's one terminal handler) calls it for <c>/metrics</c> and no other request
    /// pays for it. Until the providers are built (the first moments after start) it answers 503.
    /// </summary>
    public RequestDelegate? BuildScrape(IApplicationBuilder app)
    {
        if (settings.Prometheus && !settings.Disabled && Scrape is null)
        {
            scrapeBranch = new Lazy<RequestDelegate>(() =>
            {
                var branch = app.New();
                branch.UseOpenTelemetryPrometheusScrapingEndpoint(Meters, static _ => true, null, null, null);
                branch.Run(static context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                });
                return branch.Build();
            });
            Scrape = context =>
            {
                if (Meters is null)
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return Task.CompletedTask;
                }

                return scrapeBranch.Value(context);
            };
        }

        return Scrape;
    }

    /// <summary>
    /// Flushes and stops every provider, all at once, giving up after Telemetry:ShutdownTimeout: a collector that hangs costs
    /// the stop that long at most (the exporters' threads are background threads and do not keep the process alive).
    /// Returns false when the flush did not finish in time.
    /// </summary>
    public bool Shutdown()
    {
        var deadline = DateTime.UtcNow + settings.ShutdownTimeout;
        Task building;
        lock (gate)
        {
            stopping = true;
            building = built;
        }

        try
        {
            if (!building.Wait(settings.ShutdownTimeout))
            {
                return false;
            }
        }
        catch (AggregateException)
        {
            // Build catches per provider; should anything still escape, what was built is flushed below all the same.
        }

        var budget = (int)Math.Max(0, (deadline - DateTime.UtcNow).TotalMilliseconds);
        var work = new List<Task>(3);
        if (Tracer is { } tracer)
        {
            work.Add(Task.Factory.StartNew(() => tracer.Shutdown(budget), TaskCreationOptions.LongRunning));
        }

        if (Meters is { } meterProvider)
        {
            work.Add(Task.Factory.StartNew(() => meterProvider.Shutdown(budget), TaskCreationOptions.LongRunning));
        }

        if (Logs is { } logProvider)
        {
            work.Add(Task.Factory.StartNew(() => logProvider.Shutdown(budget), TaskCreationOptions.LongRunning));
        }

        return Task.WaitAll([.. work], TimeSpan.FromMilliseconds(budget + 100));
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
    /// The protocol the settings name (http/protobuf unless grpc is asked for): the endpoint, headers and timeout the
    /// exporter reads from the OTEL_* settings itself.
    /// </summary>
    private static void Otlp(OtlpExporterOptions options, TelemetryExportSettings settings, string signal)
    {
        options.Protocol = settings.OtlpGrpc(signal) ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;

        // The per-signal settings, which AddOtlpExporter does not read itself: the endpoint used as is (setting it in code
        // also stops the /v1/<signal> appending that only the general endpoint gets), winning over the general one.
        if (settings.OtlpSignalEndpoints.TryGetValue(signal, out var endpoint))
        {
            options.Endpoint = endpoint;
        }

        if (settings.OtlpSignalHeaders.TryGetValue(signal, out var headers))
        {
            options.Headers = headers;
        }

        if (settings.OtlpSignalTimeouts.TryGetValue(signal, out var timeout))
        {
            options.TimeoutMilliseconds = timeout;
        }
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

        // No rate limit of its own (1.10.0's default is 5 traces/s, for the whole provider) and no log dropping tied to it:
        // every request it is given is exported, and OTEL_TRACES_SAMPLER alone decides which are (see BuildTraces).
        options.TracesPerSecond = null;
        options.SamplingRatio = 1.0f;
        options.EnableTraceBasedLogsSampler = false;
    }
}
