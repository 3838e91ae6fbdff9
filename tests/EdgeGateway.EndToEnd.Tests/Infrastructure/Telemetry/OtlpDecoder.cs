using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry.Otlp;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

/// <summary>Turns the OTLP protobuf messages into the flat records the tests assert on.</summary>
internal static class OtlpDecoder
{
    public static IEnumerable<ReceivedSpan> Spans(ExportTraceServiceRequest request) =>
        from resourceSpans in request.ResourceSpans
        let resource = Attributes(resourceSpans.Resource?.Attributes)
        from scopeSpans in resourceSpans.ScopeSpans
        from span in scopeSpans.Spans
        select new ReceivedSpan(
            Hex(span.TraceId) ?? "",
            Hex(span.SpanId) ?? "",
            Hex(span.ParentSpanId),
            span.Name,
            KindName(span.Kind),
            Attributes(span.Attributes),
            span.Events.Select(e => new ReceivedSpanEvent(e.Name, Attributes(e.Attributes))).ToList(),
            (span.Status?.Code ?? Status.Types.StatusCode.Unset) switch
            {
                Status.Types.StatusCode.Ok => "ok",
                Status.Types.StatusCode.Error => "error",
                _ => "unset",
            },
            span.Status?.Message ?? "",
            scopeSpans.Scope?.Name ?? "",
            resource);

    public static IEnumerable<ReceivedMetric> Metrics(ExportMetricsServiceRequest request) =>
        from resourceMetrics in request.ResourceMetrics
        let resource = Attributes(resourceMetrics.Resource?.Attributes)
        from scopeMetrics in resourceMetrics.ScopeMetrics
        from metric in scopeMetrics.Metrics
        select ToMetric(metric, scopeMetrics.Scope?.Name ?? "", resource);

    public static IEnumerable<ReceivedLog> Logs(ExportLogsServiceRequest request) =>
        from resourceLogs in request.ResourceLogs
        let resource = Attributes(resourceLogs.Resource?.Attributes)
        from scopeLogs in resourceLogs.ScopeLogs
        from log in scopeLogs.LogRecords
        select new ReceivedLog(
            OtlpAttributes.Text(Value(log.Body)),
            log.SeverityNumber,
            log.SeverityText,
            Attributes(log.Attributes),
            Hex(log.TraceId),
            Hex(log.SpanId),
            log.EventName.Length == 0 ? null : log.EventName,
            scopeLogs.Scope?.Name ?? "",
            resource);

    private static ReceivedMetric ToMetric(Otlp.Metric metric, string scope, OtlpAttributes resource) => metric.DataCase switch
    {
        Otlp.Metric.DataOneofCase.Sum => new ReceivedMetric(
            metric.Name, metric.Unit, "sum", metric.Sum.IsMonotonic, Temporality(metric.Sum.AggregationTemporality),
            metric.Sum.DataPoints.Select(Number).ToList(), scope, resource),
        Otlp.Metric.DataOneofCase.Gauge => new ReceivedMetric(
            metric.Name, metric.Unit, "gauge", false, "unspecified", metric.Gauge.DataPoints.Select(Number).ToList(), scope, resource),
        Otlp.Metric.DataOneofCase.Histogram => new ReceivedMetric(
            metric.Name, metric.Unit, "histogram", false, Temporality(metric.Histogram.AggregationTemporality),
            metric.Histogram.DataPoints.Select(p => new ReceivedDataPoint(
                Attributes(p.Attributes), null, p.Count, p.HasSum ? p.Sum : null, p.ExplicitBounds.ToList(), p.BucketCounts.ToList())).ToList(),
            scope, resource),
        // Exponential histograms and summaries are not declared in our minimal .proto: they arrive as "none".
        _ => new ReceivedMetric(metric.Name, metric.Unit, "other", false, "unspecified", [], scope, resource),
    };

    private static ReceivedDataPoint Number(NumberDataPoint point) => new(
        Attributes(point.Attributes),
        point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble,
        0,
        null,
        [],
        []);

    private static string Temporality(AggregationTemporality temporality) => temporality switch
    {
        AggregationTemporality.Cumulative => "cumulative",
        AggregationTemporality.Delta => "delta",
        _ => "unspecified",
    };

    private static string KindName(Span.Types.SpanKind kind) => kind switch
    {
        Span.Types.SpanKind.Internal => "internal",
        Span.Types.SpanKind.Server => "server",
        Span.Types.SpanKind.Client => "client",
        Span.Types.SpanKind.Producer => "producer",
        Span.Types.SpanKind.Consumer => "consumer",
        _ => "unspecified",
    };

    private static OtlpAttributes Attributes(RepeatedField<KeyValue>? pairs)
    {
        if (pairs is null || pairs.Count == 0)
        {
            return OtlpAttributes.Empty;
        }

        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            values[pair.Key] = Value(pair.Value);
        }

        return new OtlpAttributes(values);
    }

    private static object? Value(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToByteArray(),
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(Value).ToArray(),
        AnyValue.ValueOneofCase.KvlistValue => value.KvlistValue.Values.ToDictionary(kv => kv.Key, kv => Value(kv.Value)),
        _ => null,
    };

    private static string? Hex(ByteString id) => id.IsEmpty || id.All(b => b == 0) ? null : Convert.ToHexStringLower(id.Span);
}
