namespace EdgeGateway.Contracts.Cli;

/// <summary>
/// The telemetry exporter settings both binaries read (the gateway and the management plane export the same way), for
/// their <c>settings</c> lists. docs/telemetry.md and docs/configuration.md explain them.
/// </summary>
public static class TelemetrySettingMeanings
{
    public static readonly Setting[] All =
    [
        new("Telemetry:Prometheus:Enabled", "false", "true serves Prometheus text at /metrics (the gateway: on Gateway:AdminUrls when set)"),
        new("Telemetry:ShutdownTimeout", "00:00:05", "longest a stop waits for exporters to flush, after the drain"),
        new("Telemetry:RecordFromFirstRequest", "false", "true: exporters are built before the server listens, so the first requests are traced and counted (slower start)"),
        new("OTEL_EXPORTER_OTLP_ENDPOINT", "-", "OTLP collector URL (http:// or https://): traces, metrics and logs"),
        new("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "-", "OTLP URL for traces only (full URL, with /v1/traces over HTTP)"),
        new("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "-", "OTLP URL for metrics only (full URL, with /v1/metrics over HTTP)"),
        new("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "-", "OTLP URL for logs only (full URL, with /v1/logs over HTTP)"),
        new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "http/protobuf or grpc (per signal: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, ...)"),
        new("OTEL_EXPORTER_OTLP_HEADERS", "-", "headers sent to the collector, k=v,k2=v2 (secret: never logged)"),
        new("OTEL_EXPORTER_OTLP_TIMEOUT", "10000", "milliseconds one OTLP export may take"),
        new("OTEL_SERVICE_NAME", "edgegateway | edgegateway-management", "service.name of every signal (Azure Monitor: cloud role name)"),
        new("OTEL_RESOURCE_ATTRIBUTES", "-", "extra resource attributes, k=v,k2=v2"),
        new("OTEL_TRACES_SAMPLER", "parent-based, 5 new traces/s", "which traces are kept: parentbased_always_on (every request), traceidratio, microsoft.rate_limited, ..."),
        new("OTEL_TRACES_SAMPLER_ARG", "-", "the sampler's argument: a ratio (0.1), or traces per second for microsoft.rate_limited"),
        new("OTEL_METRIC_EXPORT_INTERVAL", "60000", "milliseconds between metric exports (OTLP, Azure Monitor)"),
        new("OTEL_BSP_SCHEDULE_DELAY", "5000", "milliseconds between span batches"),
        new("OTEL_BSP_MAX_QUEUE_SIZE", "2048", "spans held for export at most; more are dropped"),
        new("OTEL_BLRP_SCHEDULE_DELAY", "1000", "milliseconds between log batches"),
        new("OTEL_BLRP_MAX_QUEUE_SIZE", "2048", "log records held for export at most; more are dropped"),
        new("OTEL_SDK_DISABLED", "false", "true turns every exporter off, whatever else is set"),
    ];
}
