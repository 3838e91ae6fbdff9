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

    public bool Prometheus { get; init; }

    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

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
        foreach (var signal in Signals)
        {
            _ = Protocol(config, $"OTEL_EXPORTER_OTLP_{signal}_PROTOCOL");
        }

        foreach (var key in new[] { "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_METRIC_EXPORT_INTERVAL", "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BSP_MAX_QUEUE_SIZE",
                     "OTEL_BLRP_SCHEDULE_DELAY", "OTEL_BLRP_MAX_QUEUE_SIZE" })
        {
            if (Value(config, key) is { } number && (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0))
            {
                throw new TelemetrySettingsException($"{key} '{number}' is not a positive whole number (milliseconds, or a count for *_QUEUE_SIZE)");
            }
        }

        var target = general ?? perSignal.FirstOrDefault(e => e is not null);
        return new TelemetryExportSettings
        {
            Disabled = disabled,
            Prometheus = prometheus,
            ShutdownTimeout = shutdown,
            AzureMonitorConnectionString = connectionString,
            AzureMonitorIngestionHost = ingestionHost,
            OtlpTraces = (general ?? perSignal[0]) is not null,
            OtlpMetrics = (general ?? perSignal[1]) is not null,
            OtlpLogs = (general ?? perSignal[2]) is not null,
            OtlpTarget = target is null ? null : target.GetLeftPart(UriPartial.Authority),
            OtlpProtocol = protocol,
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
            throw new TelemetrySettingsException($"{key} '{value}' is not an absolute http:// or https:// URL, like http://otel-collector:4318");
        }

        return uri;
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

            ingestion = uri.GetLeftPart(UriPartial.Authority);
        }

        return (value, ingestion);
    }
}

/// <summary>A telemetry setting is malformed: the process stops at start with this message (exit code 1).</summary>
internal sealed class TelemetrySettingsException(string message) : Exception(message);
