using System.Globalization;

namespace EdgeGateway.Telemetry.Export;

/// <summary>
/// Which exporters are on, read once at start from the configuration (environment variables included) and checked:
/// a malformed value stops the process with a message naming the setting instead of exporting nowhere in silence.
/// Compiled into both binaries (the gateway and the management plane read the same exporter settings).
/// </summary>
internal sealed record TelemetryExportSettings
{
    public const string ConnectionStringKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string PrometheusKey = "Telemetry:Prometheus:Enabled";
    public const string ShutdownTimeoutKey = "Telemetry:ShutdownTimeout";
    public const string RecordFromFirstRequestKey = "Telemetry:RecordFromFirstRequest";
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(5);

    private static readonly string[] Signals = ["TRACES", "METRICS", "LOGS"];

    /// <summary>The connection string (never logged: it holds the instrumentation key), null when Azure Monitor is off.</summary>
    public string? AzureMonitorConnectionString { get; init; }

    /// <summary>Host (and port) of the ingestion endpoint: what the start-up line may show.</summary>
    public string? AzureMonitorIngestionHost { get; init; }

    public bool OtlpTraces { get; init; }

    public bool OtlpMetrics { get; init; }

    public bool OtlpLogs { get; init; }

    /// <summary>Where OTLP goes, without path, user info or query (the start-up line shows it; headers never).</summary>
    public string? OtlpTarget { get; init; }

    public string OtlpProtocol { get; init; } = "http/protobuf";

    /// <summary>
    /// The protocol per signal (traces, metrics, logs): its own OTEL_EXPORTER_OTLP_{SIGNAL}_PROTOCOL, else the general one,
    /// else http/protobuf, as the OpenTelemetry spec says (the .NET exporter's own default would be grpc).
    /// </summary>
    public IReadOnlyDictionary<string, string> OtlpProtocols { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Per signal (TRACES, METRICS, LOGS): its own OTEL_EXPORTER_OTLP_{SIGNAL}_ENDPOINT, used as is (no /v1/... appended) and
    /// winning over the general endpoint, as the OpenTelemetry spec says. The .NET exporter reads these only on its
    /// UseOtlpExporter path, not on AddOtlpExporter, so <see cref="TelemetryExport"/> sets them in code.
    /// </summary>
    public IReadOnlyDictionary<string, Uri> OtlpSignalEndpoints { get; init; } = new Dictionary<string, Uri>();

    /// <summary>Per-signal OTEL_EXPORTER_OTLP_{SIGNAL}_HEADERS (checked, never logged); the general one is read by the exporter itself.</summary>
    public IReadOnlyDictionary<string, string> OtlpSignalHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>Per-signal OTEL_EXPORTER_OTLP_{SIGNAL}_TIMEOUT in milliseconds.</summary>
    public IReadOnlyDictionary<string, int> OtlpSignalTimeouts { get; init; } = new Dictionary<string, int>();

    public bool OtlpGrpc(string signal) => (OtlpProtocols.TryGetValue(signal, out var protocol) ? protocol : OtlpProtocol) == "grpc";

    public bool Prometheus { get; init; }

    /// <summary>Which traces are kept (<see cref="StandardSampler.Describe"/>), for the start-up line.</summary>
    public string Sampler { get; init; } = StandardSampler.DefaultDescription;

    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    /// <summary>
    /// Telemetry:RecordFromFirstRequest: build the providers before the server listens, so the requests that woke a
    /// scale-to-zero instance are traced and counted too, at the start-up cost bench/RESULTS.md measures. Off by default:
    /// they are built once the server listens, off the path to the first answer.
    /// </summary>
    public bool RecordFromFirstRequest { get; init; }

    /// <summary>OTEL_SDK_DISABLED=true: nothing is built, whatever else is set.</summary>
    public bool Disabled { get; init; }

    public bool AzureMonitor => AzureMonitorConnectionString is not null;

    public bool Otlp => OtlpTraces || OtlpMetrics || OtlpLogs;

    public bool Traces => !Disabled && (AzureMonitor || OtlpTraces);

    public bool Metrics => !Disabled && (AzureMonitor || OtlpMetrics || Prometheus);

    public bool Logs => !Disabled && (AzureMonitor || OtlpLogs);

    /// <summary>Any provider to build at all: with none, not one OpenTelemetry type is touched at start.</summary>
    public bool Any => Traces || Metrics || Logs;

    /// <summary>Reads and checks the settings; the exception's message names the setting at fault.</summary>
    public static TelemetryExportSettings Read(IConfiguration config)
    {
        var disabled = string.Equals(Value(config, "OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase);
        var prometheus = false;
        if (Value(config, PrometheusKey) is { } enabled && !bool.TryParse(enabled, out prometheus))
        {
            throw new TelemetrySettingsException($"{PrometheusKey} '{enabled}' is not true or false");
        }

        var fromFirst = false;
        if (Value(config, RecordFromFirstRequestKey) is { } first && !bool.TryParse(first, out fromFirst))
        {
            throw new TelemetrySettingsException($"{RecordFromFirstRequestKey} '{first}' is not true or false");
        }

        var shutdown = DefaultShutdownTimeout;
        if (Value(config, ShutdownTimeoutKey) is { } timeout
            && (!TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out shutdown) || shutdown < TimeSpan.Zero || shutdown > TimeSpan.FromMinutes(5)))
        {
            throw new TelemetrySettingsException($"{ShutdownTimeoutKey} '{timeout}' must be a time span between 00:00:00 and 00:05:00, like 00:00:05");
        }

        var (connectionString, ingestionHost) = ReadConnectionString(config);
        var general = Endpoint(config, "OTEL_EXPORTER_OTLP_ENDPOINT");
        var perSignal = Signals.Select(s => Endpoint(config, $"OTEL_EXPORTER_OTLP_{s}_ENDPOINT")).ToArray();
        var protocol = Protocol(config, "OTEL_EXPORTER_OTLP_PROTOCOL") ?? "http/protobuf";
        var protocols = new Dictionary<string, string>();
        foreach (var signal in Signals)
        {
            protocols[signal] = Protocol(config, $"OTEL_EXPORTER_OTLP_{signal}_PROTOCOL") ?? protocol;
        }

        foreach (var key in new[] { "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_METRIC_EXPORT_INTERVAL", "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BSP_MAX_QUEUE_SIZE",
                     "OTEL_BLRP_SCHEDULE_DELAY", "OTEL_BLRP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE",
                     "OTEL_BSP_EXPORT_TIMEOUT", "OTEL_BLRP_EXPORT_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT",
                     "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT" })
        {
            PositiveNumber(config, key);
        }

        BatchFitsQueue(config, "OTEL_BSP");
        BatchFitsQueue(config, "OTEL_BLRP");
        Headers(config, "OTEL_EXPORTER_OTLP_HEADERS");
        var endpoints = new Dictionary<string, Uri>();
        var headers = new Dictionary<string, string>();
        var timeouts = new Dictionary<string, int>();
        for (var i = 0; i < Signals.Length; i++)
        {
            if (perSignal[i] is { } endpoint)
            {
                endpoints[Signals[i]] = endpoint;
            }

            if (Headers(config, $"OTEL_EXPORTER_OTLP_{Signals[i]}_HEADERS") is { } signalHeaders)
            {
                headers[Signals[i]] = signalHeaders;
            }

            if (PositiveNumber(config, $"OTEL_EXPORTER_OTLP_{Signals[i]}_TIMEOUT") is { } signalTimeout)
            {
                timeouts[Signals[i]] = signalTimeout;
            }
        }

        var target = general ?? perSignal.FirstOrDefault(e => e is not null);
        return new TelemetryExportSettings
        {
            Sampler = StandardSampler.Describe(config),
            Disabled = disabled,
            Prometheus = prometheus,
            ShutdownTimeout = shutdown,
            RecordFromFirstRequest = fromFirst,
            AzureMonitorConnectionString = connectionString,
            AzureMonitorIngestionHost = ingestionHost,
            OtlpTraces = (perSignal[0] ?? general) is not null,
            OtlpMetrics = (perSignal[1] ?? general) is not null,
            OtlpLogs = (perSignal[2] ?? general) is not null,
            OtlpSignalEndpoints = endpoints,
            OtlpSignalHeaders = headers,
            OtlpSignalTimeouts = timeouts,
            OtlpTarget = target is null ? null : $"{target.Scheme}://{target.Authority}",
            OtlpProtocol = protocol,
            OtlpProtocols = protocols,
        };
    }

    /// <summary>One line for the start-up log: which exporters are on. Never the connection string, never OTLP headers.</summary>
    public string Describe()
    {
        if (Disabled)
        {
            return "none (OTEL_SDK_DISABLED=true)";
        }

        var parts = new List<string>();
        if (AzureMonitor)
        {
            parts.Add($"Azure Monitor (traces, metrics, logs to {AzureMonitorIngestionHost})");
        }

        if (Otlp)
        {
            var signals = string.Join(", ", new[] { OtlpTraces ? "traces" : null, OtlpMetrics ? "metrics" : null, OtlpLogs ? "logs" : null }.OfType<string>());
            parts.Add($"OTLP {OtlpProtocol} ({signals} to {OtlpTarget})");
        }

        if (Prometheus)
        {
            parts.Add("Prometheus (/metrics)");
        }

        if (parts.Count > 0 && Traces)
        {
            parts.Add($"traces sampled: {Sampler}");
        }

        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }

    private static string? Value(IConfiguration config, string key) => config[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static Uri? Endpoint(IConfiguration config, string key)
    {
        if (Value(config, key) is not { } value)
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            // Never the value: a forgotten scheme turns "user:token@host" into a "URL" whose user info is a secret.
            throw new TelemetrySettingsException($"{key} is not an absolute http:// or https:// URL, like http://otel-collector:4318");
        }

        return uri;
    }

    private static int? PositiveNumber(IConfiguration config, string key)
    {
        if (Value(config, key) is not { } number)
        {
            return null;
        }

        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
            : throw new TelemetrySettingsException($"{key} '{number}' is not a positive whole number (milliseconds, or a count for *_QUEUE_SIZE and *_BATCH_SIZE)");
    }

    /// <summary>
    /// The spec says a batch "must be less than or equal to" the queue (maxExportBatchSize, default 512), and the SDK's batch
    /// processor throws when it is not, on the background thread where nobody would see it: refused here at start instead
    /// (a silent clamp would change a size the operator set or relied on by default).
    /// </summary>
    private static void BatchFitsQueue(IConfiguration config, string prefix)
    {
        var queueKey = $"{prefix}_MAX_QUEUE_SIZE";
        var batchKey = $"{prefix}_MAX_EXPORT_BATCH_SIZE";
        var queue = PositiveNumber(config, queueKey) ?? 2048;
        var batch = PositiveNumber(config, batchKey) ?? 512;
        if (batch > queue)
        {
            throw new TelemetrySettingsException($"{queueKey} ({queue}) is below {batchKey} ({batch}{(Value(config, batchKey) is null ? ", its default" : "")}): a batch must fit in the queue; raise {queueKey} or set {batchKey} to at most {queue}");
        }
    }

    /// <summary>OTLP headers: comma-separated key=value pairs with a non-empty key (the exporter throws on anything else). Never echoed: they carry tokens.</summary>
    private static string? Headers(IConfiguration config, string key)
    {
        if (Value(config, key) is not { } value)
        {
            return null;
        }

        foreach (var pair in value.Split(','))
        {
            if (pair.IndexOf('=', StringComparison.Ordinal) is var eq && (eq <= 0 || pair[..eq].Trim().Length == 0))
            {
                throw new TelemetrySettingsException($"{key} is not a list of key=value pairs separated by commas, like api-key=SECRET,tenant=a (a pair has no '=' or an empty key)");
            }
        }

        return value;
    }

    private static string? Protocol(IConfiguration config, string key)
    {
        var value = Value(config, key);
        return value is null or "grpc" or "http/protobuf" ? value
            : throw new TelemetrySettingsException($"{key} '{value}' is not supported: use grpc or http/protobuf (http/json is not available in .NET)");
    }

    private static (string? ConnectionString, string? IngestionHost) ReadConnectionString(IConfiguration config)
    {
        if (Value(config, ConnectionStringKey) is not { } value)
        {
            return (null, null);
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                // The value is a secret: say what is wrong with it, never what it is.
                throw new TelemetrySettingsException($"{ConnectionStringKey} is not a connection string (Key=Value pairs separated by ';'): copy it from the Application Insights resource's overview");
            }

            fields[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        if (!fields.TryGetValue("InstrumentationKey", out var key) || key.Length == 0)
        {
            throw new TelemetrySettingsException($"{ConnectionStringKey} has no InstrumentationKey: copy the whole connection string from the Application Insights resource's overview");
        }

        var ingestion = "dc.services.visualstudio.com";
        if (fields.TryGetValue("IngestionEndpoint", out var endpoint))
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new TelemetrySettingsException($"{ConnectionStringKey}: its IngestionEndpoint is not an absolute http:// or https:// URL");
            }

            ingestion = $"{uri.Scheme}://{uri.Authority}";
        }

        return (value, ingestion);
    }
}

/// <summary>A telemetry setting is malformed: the process stops at start with this message (exit code 1).</summary>
internal sealed class TelemetrySettingsException(string message) : Exception(message);
