using System.Globalization;
using System.Text.Json;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

/// <summary>
/// One telemetry item (a line of the ingestion endpoint's newline-delimited JSON, the "Breeze" envelope):
/// <c>{"name":"Request","time":...,"iKey":...,"tags":{"ai.operation.id":...},"data":{"baseType":"RequestData","baseData":{...}}}</c>.
/// The OpenTelemetry exporter names items <c>Request</c> (server spans), <c>RemoteDependency</c> (client and internal
/// spans), <c>Message</c> (logs), <c>Exception</c> and <c>Metric</c>. In Application Insights they land in the
/// requests, dependencies, traces, exceptions and customMetrics tables.
/// </summary>
public sealed record AzureMonitorItem(
    string Name,
    string? InstrumentationKey,
    string? Time,
    IReadOnlyDictionary<string, string> Tags,
    string? BaseType,
    JsonElement BaseData,
    IReadOnlyDictionary<string, string> Properties,
    string Json)
{
    /// <summary>The trace id (32 hex digits) for spans, and for logs written inside one.</summary>
    public string? OperationId => Tag("ai.operation.id");

    /// <summary>The parent span id for spans; the current span id for logs.</summary>
    public string? ParentId => Tag("ai.operation.parentId");

    /// <summary>The service name (OTEL_SERVICE_NAME, or the service.name resource attribute).</summary>
    public string? CloudRole => Tag("ai.cloud.role");

    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? value : null;

    public string? Property(string key) => Properties.TryGetValue(key, out var value) ? value : null;

    /// <summary>
    /// A field of baseData as text: strings as they are, anything else as its JSON text
    /// (e.g. <c>Data("name")</c>, <c>Data("responseCode")</c>, <c>Data("success")</c>, <c>Data("message")</c>).
    /// </summary>
    public string? Data(string field) =>
        BaseData.ValueKind == JsonValueKind.Object && BaseData.TryGetProperty(field, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    /// <summary>For Metric items: baseData.metrics (the exporter sends one metric per item).</summary>
    public IReadOnlyList<AzureMonitorMetric> Metrics =>
        BaseData.ValueKind == JsonValueKind.Object && BaseData.TryGetProperty("metrics", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(AzureMonitorMetric.From).ToList()
            : [];

    public override string ToString() =>
        $"{Name} {Data("name") ?? Data("message") ?? string.Join(",", Metrics.Select(m => m.Name))} op={OperationId ?? "-"} parent={ParentId ?? "-"} role={CloudRole ?? "-"} props={{{string.Join(", ", Properties.Select(p => $"{p.Key}={p.Value}"))}}}";

    internal static AzureMonitorItem Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var baseData = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("baseData", out var b) ? b.Clone() : default;
        return new AzureMonitorItem(
            root.GetProperty("name").GetString() ?? "",
            root.TryGetProperty("iKey", out var ikey) ? ikey.GetString() : null,
            root.TryGetProperty("time", out var time) ? time.GetString() : null,
            Strings(root, "tags"),
            data.ValueKind == JsonValueKind.Object && data.TryGetProperty("baseType", out var baseType) ? baseType.GetString() : null,
            baseData,
            baseData.ValueKind == JsonValueKind.Object ? Strings(baseData, "properties") : new Dictionary<string, string>(),
            line);
    }

    private static Dictionary<string, string> Strings(JsonElement parent, string property)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (parent.TryGetProperty(property, out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var pair in map.EnumerateObject())
            {
                result[pair.Name] = pair.Value.ValueKind == JsonValueKind.String ? pair.Value.GetString()! : pair.Value.GetRawText();
            }
        }

        return result;
    }
}

/// <summary>One entry of a Metric item's baseData.metrics: name, value (the sum for aggregated points), count, min, max.</summary>
public sealed record AzureMonitorMetric(string Name, string? Namespace, double Value, long? Count, double? Min, double? Max)
{
    internal static AzureMonitorMetric From(JsonElement metric) => new(
        metric.GetProperty("name").GetString() ?? "",
        metric.TryGetProperty("ns", out var ns) ? ns.GetString() : null,
        Number(metric, "value") ?? 0,
        metric.TryGetProperty("count", out var count) && count.ValueKind == JsonValueKind.Number ? count.GetInt64() : null,
        Number(metric, "min"),
        Number(metric, "max"));

    private static double? Number(JsonElement metric, string name) =>
        metric.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.Number => true,
            JsonValueKind.String => double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            _ => false,
        }
            ? value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.Parse(value.GetString()!, CultureInfo.InvariantCulture)
            : null;
}
