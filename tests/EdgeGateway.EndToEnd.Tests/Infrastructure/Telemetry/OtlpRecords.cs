using System.Globalization;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

/// <summary>Attributes as decoded from OTLP: string, bool, long, double, byte[], object?[] (arrays) or nested dictionaries.</summary>
public sealed class OtlpAttributes(IReadOnlyDictionary<string, object?> values)
{
    public static readonly OtlpAttributes Empty = new(new Dictionary<string, object?>());

    public IReadOnlyDictionary<string, object?> Values { get; } = values;

    public bool Has(string key) => Values.ContainsKey(key);

    /// <summary>The value as invariant text (<c>200</c>, <c>true</c>, <c>0.5</c>), or null when absent.</summary>
    public string? this[string key] => Values.TryGetValue(key, out var value) ? Text(value) : null;

    /// <summary>True when every (key, value) pair is present with that text value.</summary>
    public bool Match(params (string Key, string Value)[] pairs) => pairs.All(p => this[p.Key] == p.Value);

    public override string ToString() => "{" + string.Join(", ", Values.Select(kv => $"{kv.Key}={Text(kv.Value)}")) + "}";

    internal static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToHexStringLower(bytes),
        object?[] array => "[" + string.Join(",", array.Select(Text)) + "]",
        _ => value.ToString(),
    };
}

/// <summary>Who delivered an export: the transport (<c>http</c> or <c>grpc</c>), the signal, and the request headers.</summary>
public sealed record OtlpExport(string Transport, string Signal, string? ContentType, IReadOnlyDictionary<string, string> Headers);

public sealed record ReceivedSpanEvent(string Name, OtlpAttributes Attributes);

/// <summary>One span. Ids are lowercase hex, as in a <c>traceparent</c> header; no parent is null.</summary>
public sealed record ReceivedSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    OtlpAttributes Attributes,
    IReadOnlyList<ReceivedSpanEvent> Events,
    string StatusCode,
    string StatusMessage,
    string Scope,
    OtlpAttributes Resource)
{
    public override string ToString() =>
        $"{Kind} '{Name}' ({Scope}) trace={TraceId} span={SpanId} parent={ParentSpanId ?? "-"} {Attributes}";
}

/// <summary>
/// One data point: for sums and gauges <see cref="Value"/>; for histograms <see cref="Count"/>, <see cref="Sum"/>,
/// <see cref="Bounds"/> (explicit upper bounds) and <see cref="BucketCounts"/> (one more than the bounds).
/// </summary>
public sealed record ReceivedDataPoint(
    OtlpAttributes Attributes,
    double? Value,
    ulong Count,
    double? Sum,
    IReadOnlyList<double> Bounds,
    IReadOnlyList<ulong> BucketCounts);

/// <summary>
/// One metric of one export. Kind is <c>sum</c>, <c>gauge</c> or <c>histogram</c>; Temporality is <c>cumulative</c>
/// (the OTLP exporter's default: every export repeats the running totals) or <c>delta</c>.
/// </summary>
public sealed record ReceivedMetric(
    string Name,
    string Unit,
    string Kind,
    bool IsMonotonic,
    string Temporality,
    IReadOnlyList<ReceivedDataPoint> Points,
    string Scope,
    OtlpAttributes Resource)
{
    /// <summary>
    /// The total over the points whose attributes match every pair: the values for sums and gauges, the counts for
    /// histograms. No matching point is 0.
    /// </summary>
    public double Total(params (string Key, string Value)[] where) =>
        Points.Where(p => p.Attributes.Match(where)).Sum(p => Kind == "histogram" ? p.Count : p.Value ?? 0);

    public override string ToString() =>
        $"{Kind} {Name} [{Unit}] ({Scope}): " + string.Join("; ", Points.Select(p => $"{p.Attributes} {(Kind == "histogram" ? $"count={p.Count}" : p.Value)}"));
}

/// <summary>One log record. Ids are lowercase hex, or null when the record was written outside a span.</summary>
public sealed record ReceivedLog(
    string? Body,
    int SeverityNumber,
    string SeverityText,
    OtlpAttributes Attributes,
    string? TraceId,
    string? SpanId,
    string? EventName,
    string Scope,
    OtlpAttributes Resource)
{
    public override string ToString() => $"[{SeverityText}/{SeverityNumber}] ({Scope}) {Body} trace={TraceId ?? "-"} {Attributes}";
}
