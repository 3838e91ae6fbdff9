using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeGateway.Contracts.Tests;

/// <summary>
/// Keeps docs/telemetry.md and the dashboards in deploy/dashboards/ honest: the metric tables list exactly the instruments
/// created under src/ (name, type and unit), each table's Prometheus name follows OpenTelemetry's naming rules, both
/// dashboards are JSON, and every metric, label and attribute that the dashboards and the docs' PromQL and KQL queries use
/// is a documented one. A renamed instrument, a typo in a query or an undocumented metric fails here.
/// </summary>
public sealed partial class TelemetryDocsTests
{
    private static readonly string Root = SchemaFileTests.RepoRoot;
    private static readonly string Docs = File.ReadAllText(Path.Combine(Root, "docs", "telemetry.md"));
    private static readonly string Sources = string.Join("\n", Directory
        .GetFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .Select(File.ReadAllText));

    private static readonly IReadOnlyList<DocumentedMetric> Metrics = ReadMetricTables();
    private static readonly IReadOnlyList<SourceInstrument> Instruments = ReadInstruments();
    private static readonly string[] GrafanaFile = ["deploy", "dashboards", "edgegateway-grafana.json"];
    private static readonly string[] WorkbookFile = ["deploy", "dashboards", "edgegateway-workbook.json"];

    [Fact]
    public void MetricTables_ListTheGatewaysAndThePlanesInstruments()
    {
        Assert.True(Metrics.Count(m => m.Name.StartsWith("edgegateway.", StringComparison.Ordinal)) >= 16,
            $"docs/telemetry.md's gateway metric table lists {Metrics.Count(m => m.Name.StartsWith("edgegateway.", StringComparison.Ordinal))} metrics: is its format still `name` | `prometheus` | type | unit | tags | meaning?");
        Assert.Contains(Metrics, m => m.Name.StartsWith("managementplane.", StringComparison.Ordinal));
        Assert.True(Instruments.Count >= 16, $"only {Instruments.Count} instruments with a literal name found under src/: is the pattern still right?");
        Assert.Equal(Metrics.Count, Metrics.Select(m => m.Name).Distinct().Count());
    }

    [Fact]
    public void DocumentedMetrics_AreInstrumentsCreatedUnderSrc_WithTheDocumentedTypeAndUnit()
    {
        var problems = new List<string>();
        foreach (var metric in Metrics)
        {
            if (!Sources.Contains($"\"{metric.Name}\"", StringComparison.Ordinal))
            {
                problems.Add($"{metric.Name}: documented, but no \"{metric.Name}\" under src/");
                continue;
            }

            if (Instruments.FirstOrDefault(i => i.Name == metric.Name) is { } instrument)
            {
                if (instrument.Type != metric.Type)
                {
                    problems.Add($"{metric.Name}: documented as {metric.Type}, created as {instrument.Type}");
                }

                if ((instrument.Unit ?? "") != metric.Unit)
                {
                    problems.Add($"{metric.Name}: documented unit '{metric.Unit}', created with '{instrument.Unit}'");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void InstrumentsCreatedUnderSrc_AreAllDocumented()
    {
        var missing = Instruments.Select(i => i.Name).Where(name => Metrics.All(m => m.Name != name)).ToList();

        Assert.True(missing.Count == 0, "instruments not in docs/telemetry.md's metric tables: " + string.Join(", ", missing));
    }

    [Fact]
    public void DocumentedPrometheusNames_FollowOpenTelemetryNamingRules()
    {
        var wrong = Metrics.Where(m => m.Prometheus != PrometheusName(m))
            .Select(m => $"{m.Name}: documented as {m.Prometheus}, the exporter names it {PrometheusName(m)}").ToList();

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void DocumentedAttributes_AreUsedUnderSrc()
    {
        var attributes = DottedNames(Docs).Where(n => n.StartsWith("edgegateway.", StringComparison.Ordinal) && Metrics.All(m => m.Name != n)).ToList();
        var missing = attributes.Where(a => !Sources.Contains($"\"{a}\"", StringComparison.Ordinal)).ToList();

        Assert.True(attributes.Count >= 10, $"only {attributes.Count} edgegateway.* attributes found in docs/telemetry.md");
        Assert.True(missing.Count == 0, "documented attributes that src/ never names: " + string.Join(", ", missing));
    }

    [Fact]
    public void GrafanaDashboard_IsJson_AndItsQueriesUseDocumentedMetricsAndLabels()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine([Root, .. GrafanaFile])));
        var expressions = Strings(dashboard.RootElement, "expr").ToList();
        var definitions = Strings(dashboard.RootElement, "definition").ToList();
        var legends = Strings(dashboard.RootElement, "legendFormat").ToList();

        Assert.True(expressions.Count >= 10, $"only {expressions.Count} queries in the Grafana dashboard");
        var problems = expressions.SelectMany(PromQlProblems)
            .Concat(definitions.SelectMany(LabelValuesProblems))
            .Concat(legends.SelectMany(l => LegendLabel().Matches(l).Select(m => m.Groups[1].Value)).Where(l => !IsDocumentedLabel(l)).Select(l => $"legend label {l}: not documented"))
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        foreach (var used in new[] { "edgegateway_requests_total", "edgegateway_request_duration_seconds_bucket", "edgegateway_rejections_total", "edgegateway_config_age_seconds", "edgegateway_sync_state", "edgegateway_backup_age_seconds" })
        {
            Assert.Contains(expressions, e => e.Contains(used, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Workbook_IsJson_AndItsQueriesUseDocumentedMetricsAndAttributes()
    {
        using var workbook = JsonDocument.Parse(File.ReadAllText(Path.Combine([Root, .. WorkbookFile])));
        var queries = Strings(workbook.RootElement, "query").ToList();

        Assert.Equal("Notebook/1.0", workbook.RootElement.GetProperty("version").GetString());
        Assert.True(queries.Count >= 6, $"only {queries.Count} queries in the workbook");
        var problems = queries.SelectMany(KqlProblems).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains(queries, q => q.Contains("\"edgegateway.rejections\"", StringComparison.Ordinal));
    }

    [Fact]
    public void DocsQueries_UseDocumentedMetricsLabelsAndAttributes()
    {
        var promql = CodeBlocks("promql").ToList();
        var kql = CodeBlocks("kql").ToList();

        Assert.True(promql.Count >= 5 && kql.Count >= 4, $"docs/telemetry.md has {promql.Count} PromQL and {kql.Count} KQL blocks");
        var problems = promql.SelectMany(PromQlProblems).Concat(kql.SelectMany(KqlProblems)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        foreach (var topic in new[] { "### Errors (KQL)", "### Latency (KQL)", "### Rejections (KQL)", "### Errors (PromQL)", "### Latency (PromQL)", "### Rejections (PromQL)" })
        {
            Assert.Contains(topic, Docs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DocsLink_TheDashboards()
    {
        Assert.Contains("../deploy/dashboards/edgegateway-grafana.json", Docs, StringComparison.Ordinal);
        Assert.Contains("../deploy/dashboards/edgegateway-workbook.json", Docs, StringComparison.Ordinal);
    }

    /// <summary>What the OpenTelemetry Prometheus exporter makes of a name: dots to underscores, the unit as a suffix, counters _total.</summary>
    private static string PrometheusName(DocumentedMetric metric)
    {
        var unit = metric.Unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => "", // "{request}" and the like are annotations; no unit, none
        };
        return metric.Name.Replace('.', '_') + unit + (metric.Type == "counter" ? "_total" : "");
    }

    /// <summary>Metric names and label names in one PromQL expression that the docs do not document.</summary>
    private static IEnumerable<string> PromQlProblems(string expression)
    {
        var labels = new List<string>();
        var rest = Selector().Replace(expression, m =>
        {
            labels.AddRange(Matcher().Matches(m.Value).Select(x => x.Groups[1].Value));
            return " ";
        });
        rest = Grouping().Replace(rest, m =>
        {
            labels.AddRange(m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            return " ";
        });
        foreach (var label in labels.Distinct().Where(l => !IsDocumentedLabel(l)))
        {
            yield return $"{expression}\n  label {label}: not a documented attribute";
        }

        foreach (var name in Identifier().Matches(rest).Select(m => m.Value).Distinct().Where(IsOurs).Where(n => !IsDocumentedSeries(n)))
        {
            yield return $"{expression}\n  metric {name}: not in docs/telemetry.md's metric tables";
        }
    }

    private static IEnumerable<string> LabelValuesProblems(string definition)
    {
        foreach (Match match in LabelValues().Matches(definition))
        {
            if (!IsDocumentedSeries(match.Groups[1].Value))
            {
                yield return $"{definition}: metric {match.Groups[1].Value} not documented";
            }

            if (!IsDocumentedLabel(match.Groups[2].Value))
            {
                yield return $"{definition}: label {match.Groups[2].Value} not documented";
            }
        }
    }

    /// <summary>In KQL, our names are quoted strings: metric names (customMetrics' name) and attributes (customDimensions keys).</summary>
    private static IEnumerable<string> KqlProblems(string query) =>
        QuotedOurs().Matches(query).Select(m => m.Groups[1].Value).Distinct()
            .Where(name => Metrics.All(m => m.Name != name) && !DottedNames(Docs).Contains(name))
            .Select(name => $"{query}\n  \"{name}\": neither a documented metric nor a documented attribute");

    private static bool IsOurs(string name) =>
        name.StartsWith("edgegateway_", StringComparison.Ordinal) || name.StartsWith("managementplane_", StringComparison.Ordinal);

    private static bool IsDocumentedSeries(string name) =>
        Metrics.Any(m => name == m.Prometheus
            || (m.Type == "histogram" && (name == m.Prometheus + "_bucket" || name == m.Prometheus + "_sum" || name == m.Prometheus + "_count")));

    /// <summary>A Prometheus label is a documented attribute with its dots made underscores, or one Prometheus adds itself.</summary>
    private static bool IsDocumentedLabel(string label) =>
        label is "le" or "instance" or "job" || DottedNames(Docs).Any(n => n.Replace('.', '_') == label);

    /// <summary>Every `dotted.name` in an inline code span or a table cell of the docs (attributes and metric names).</summary>
    private static HashSet<string> DottedNames(string text) =>
        [.. InlineDotted().Matches(text).Select(m => m.Groups[1].Value)];

    private static IEnumerable<string> CodeBlocks(string language) =>
        Regex.Matches(Docs, $"```{language}\\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value);

    private static IEnumerable<string> Strings(JsonElement element, string property)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var child in element.EnumerateObject())
                {
                    if (child.Name == property && child.Value.ValueKind == JsonValueKind.String)
                    {
                        yield return child.Value.GetString()!;
                    }

                    foreach (var nested in Strings(child.Value, property))
                    {
                        yield return nested;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var nested in Strings(item, property))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }

    /// <summary>The rows of the metric tables: `name` | `prometheus` | type | unit | tags | meaning.</summary>
    private static List<DocumentedMetric> ReadMetricTables() =>
        [.. MetricRow().Matches(Docs).Select(m => new DocumentedMetric(
            m.Groups["name"].Value,
            m.Groups["prometheus"].Value,
            m.Groups["type"].Value.Trim(),
            m.Groups["unit"].Value.Trim() is "—" or "" ? "" : m.Groups["unit"].Value.Trim().Trim('`')))];

    /// <summary>
    /// Instruments created under src/ with a literal name: <c>meter.CreateCounter&lt;long&gt;("name", "unit", ...)</c> and the
    /// observable ones (<c>CreateObservableGauge("name", callback, "unit", ...)</c>). The unit is the first string literal of
    /// the statement after the name, when it looks like a unit.
    /// </summary>
    private static List<SourceInstrument> ReadInstruments()
    {
        var found = new List<SourceInstrument>();
        foreach (Match match in CreateCall().Matches(Sources))
        {
            var end = Sources.IndexOf(';', match.Index + match.Length);
            var statement = Sources[(match.Index + match.Length)..(end < 0 ? Sources.Length : end)];
            var unit = StringLiteral().Matches(statement).Select(m => m.Groups[1].Value).FirstOrDefault();
            var type = match.Groups["kind"].Value switch
            {
                "Counter" or "ObservableCounter" => "counter",
                "Histogram" => "histogram",
                "UpDownCounter" or "ObservableUpDownCounter" => "updowncounter",
                _ => "gauge",
            };
            found.Add(new SourceInstrument(match.Groups["name"].Value, type, unit is not null && UnitLike().IsMatch(unit) ? unit : null));
        }

        return found;
    }

    private sealed record DocumentedMetric(string Name, string Prometheus, string Type, string Unit);

    private sealed record SourceInstrument(string Name, string Type, string? Unit);

    [GeneratedRegex(@"^\| `(?<name>(?:edgegateway|managementplane)\.[a-z0-9_.]+)` \| `(?<prometheus>[a-z0-9_]+)` \| (?<type>[a-z]+) \| (?<unit>[^|]*) \|", RegexOptions.Multiline)]
    private static partial Regex MetricRow();

    [GeneratedRegex(@"\.Create(?<kind>Counter|Histogram|UpDownCounter|Gauge|ObservableGauge|ObservableCounter|ObservableUpDownCounter)(?:<[^>(]*>)?\(\s*""(?<name>(?:edgegateway|managementplane)\.[a-z0-9_.]+)""")]
    private static partial Regex CreateCall();

    [GeneratedRegex(@"""((?:[^""\\]|\\.)*)""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^(\{[^}]*\}|s|ms|By|1)$")]
    private static partial Regex UnitLike();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex Selector();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*""")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")]
    private static partial Regex LegendLabel();

    [GeneratedRegex(@"""((?:edgegateway|managementplane)\.[a-z0-9_.]+)""")]
    private static partial Regex QuotedOurs();

    [GeneratedRegex(@"`([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)`")]
    private static partial Regex InlineDotted();
}
