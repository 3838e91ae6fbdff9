using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EdgeGateway.Telemetry;

/// <summary>
/// The gateway's own instrumentation names and its request-path instruments. The meters and the source live for the
/// process (static): an instrument nobody listens to costs one branch (<see cref="Instrument.Enabled"/>), and the
/// exporters (Program.cs) subscribe to them by name. Observable gauges read per-host state and are made per host
/// (<see cref="GatewayGauges"/>). The names are the public contract of issue 14 (docs/telemetry.md lists them).
/// </summary>
internal static class GatewayTelemetry
{
    /// <summary>The gateway's ActivitySource. The server span is ASP.NET Core's (<c>Microsoft.AspNetCore</c>), enriched by the
    /// request handler; the backend call is System.Net.Http's. Spans the gateway starts itself come from this source.</summary>
    public const string SourceName = "EdgeGateway";

    public const string ProxyMeterName = "EdgeGateway.Proxy";
    public const string PoliciesMeterName = "EdgeGateway.Policies";
    public const string SyncMeterName = "EdgeGateway.Sync";
    public const string BackupMeterName = "EdgeGateway.Backup";
    public const string RedisMeterName = "EdgeGateway.Redis";

    /// <summary>Every meter the gateway itself owns: what an exporter adds (besides .NET's built-in meters).</summary>
    public static readonly string[] MeterNames = [ProxyMeterName, PoliciesMeterName, SyncMeterName, BackupMeterName, RedisMeterName];

    private static readonly string? Version = typeof(GatewayTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Source = new(SourceName, Version);

    public static readonly Meter Proxy = new(ProxyMeterName, Version);
    public static readonly Meter Policies = new(PoliciesMeterName, Version);
    public static readonly Meter Sync = new(SyncMeterName, Version);

    /// <summary>OpenTelemetry's advice for HTTP durations (seconds), as <c>http.server.request.duration</c> uses.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private static readonly InstrumentAdvice<double> DurationAdvice = new() { HistogramBucketBoundaries = DurationBuckets };

    public static readonly Counter<long> Requests = Proxy.CreateCounter<long>("edgegateway.requests", "{request}",
        "Requests the gateway answered, by API, operation, product and status class.");

    public static readonly Histogram<double> RequestDuration = Proxy.CreateHistogram("edgegateway.request.duration", "s",
        "Time from the gateway's handler taking a request to its response being written.", tags: null, advice: DurationAdvice);

    public static readonly Histogram<double> BackendDuration = Proxy.CreateHistogram("edgegateway.backend.duration", "s",
        "Time of the forward to the backend, until its response was copied, for calls the backend answered.", tags: null, advice: DurationAdvice);

    public static readonly Counter<long> Io = Proxy.CreateCounter<long>("edgegateway.io", "By",
        "Body bytes received from clients and sent to them, as Content-Length declares them (bodies without one are not counted).");

    public static readonly Counter<long> Rejections = Proxy.CreateCounter<long>("edgegateway.rejections", "{request}",
        "Requests the gateway refused itself: subscription key, JWT, rate limit, quota, IP filter, client certificate.");

    public static readonly Counter<long> AccessLogDropped = Proxy.CreateCounter<long>("edgegateway.accesslog.dropped", "{line}",
        "Access log lines dropped because the writer could not keep up (its queue was full).");

    public static readonly Counter<long> PolicyErrors = Policies.CreateCounter<long>("edgegateway.policy.errors", "{error}",
        "Policy failures (context.LastError), by policy, section and reason.");

    public static readonly Counter<long> SyncFailures = Sync.CreateCounter<long>("edgegateway.sync.failures", "{failure}",
        "Polls of the management plane that did not end with a confirmed snapshot.");

    public static readonly Counter<long> HeartbeatFailures = Sync.CreateCounter<long>("edgegateway.heartbeat.failures", "{failure}",
        "Heartbeats the management plane did not accept.");
}
