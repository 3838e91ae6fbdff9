using System.Globalization;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

/// <summary>One sample line: <c>name{label="value",...} value [timestamp]</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value, long? Timestamp)
{
    public string? this[string label] => Labels.TryGetValue(label, out var value) ? value : null;

    public bool Match(params (string Label, string Value)[] pairs) => pairs.All(p => this[p.Label] == p.Value);

    public override string ToString() =>
        $"{Name}{{{string.Join(",", Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {Value.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>A metric family: the <c># TYPE</c> (counter, gauge, histogram, summary or untyped), its <c># HELP</c> and its samples.</summary>
public sealed record PrometheusFamily(string Name, string Type, string? Help, IReadOnlyList<PrometheusSample> Samples);

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4, so that "/metrics parses" means something: any
/// line that is not a valid HELP, TYPE, comment or sample fails the parse with its line number, as do a TYPE after
/// the family's samples, a family split in two groups, a repeated series, a histogram without its <c>+Inf</c> bucket
/// or with buckets that do not add up, and a missing final line feed.
/// </summary>
public sealed class PrometheusText
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    private PrometheusText(IReadOnlyList<PrometheusFamily> families) => Families = families;

    public IReadOnlyList<PrometheusFamily> Families { get; }

    public IEnumerable<PrometheusSample> Samples => Families.SelectMany(f => f.Samples);

    public PrometheusFamily? Family(string name) => Families.FirstOrDefault(f => f.Name == name);

    /// <summary>The samples called exactly <paramref name="name"/> whose labels match every pair.</summary>
    public IEnumerable<PrometheusSample> Find(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && s.Match(labels));

    /// <summary>The sum of the matching samples' values (0 when none match).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) => Find(name, labels).Sum(s => s.Value);

    /// <summary>Parses a whole exposition; throws <see cref="FormatException"/> naming the first bad line.</summary>
    public static PrometheusText Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("The exposition does not end with a line feed.");
        }

        var builder = new Builder();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            try
            {
                builder.Line(lines[i]);
            }
            catch (FormatException e)
            {
                throw new FormatException($"line {i + 1}: {e.Message}: {lines[i]}", e);
            }
        }

        return new PrometheusText(builder.Finish());
    }

    private sealed class Builder
    {
        private readonly List<(string Name, string Type, string? Help, List<PrometheusSample> Samples)> families = [];
        private readonly Dictionary<string, int> byName = new(StringComparer.Ordinal);
        private readonly HashSet<string> series = new(StringComparer.Ordinal);
        private int current = -1;

        public void Line(string line)
        {
            if (line.Length == 0)
            {
                return;
            }

            if (line[0] == '#')
            {
                Comment(line);
                return;
            }

            var sample = SampleParser.Parse(line);
            var family = FamilyOf(sample.Name);
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
            if (!series.Add(key))
            {
                throw new FormatException("repeated series");
            }

            Enter(family, declaring: false).Samples.Add(sample);
        }

        public List<PrometheusFamily> Finish()
        {
            foreach (var family in families.Where(f => f.Type == "histogram"))
            {
                HistogramRules.Check(family.Name, family.Samples);
            }

            return families.Select(f => new PrometheusFamily(f.Name, f.Type == "untyped-implicit" ? "untyped" : f.Type, f.Help, f.Samples)).ToList();
        }

        private void Comment(string line)
        {
            var parts = line.Split(' ', 4);
            if (parts.Length < 3 || parts[0] != "#" || parts[1] is not ("HELP" or "TYPE"))
            {
                return; // any other comment
            }

            var name = parts[2];
            SampleParser.CheckMetricName(name);
            var rest = parts.Length == 4 ? parts[3] : "";
            var entry = Enter(name, declaring: true);
            if (parts[1] == "TYPE")
            {
                if (!Types.Contains(rest))
                {
                    throw new FormatException($"unknown type '{rest}'");
                }

                if (entry.Type != "untyped-implicit")
                {
                    throw new FormatException("a second TYPE line for the family");
                }

                Replace(name, entry with { Type = rest });
            }
            else
            {
                if (entry.Help is not null)
                {
                    throw new FormatException("a second HELP line for the family");
                }

                Replace(name, entry with { Help = SampleParser.Unescape(rest, allowQuote: false) });
            }
        }

        /// <summary>A histogram's or summary's _bucket/_sum/_count samples belong to the declared family.</summary>
        private string FamilyOf(string sampleName)
        {
            foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            {
                if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                    && byName.TryGetValue(sampleName[..^suffix.Length], out var index)
                    && families[index].Type is "histogram" or "summary"
                    && (suffix != "_bucket" || families[index].Type == "histogram"))
                {
                    return families[index].Name;
                }
            }

            return sampleName;
        }

        private (string Name, string Type, string? Help, List<PrometheusSample> Samples) Enter(string name, bool declaring)
        {
            if (byName.TryGetValue(name, out var index))
            {
                if (index != current)
                {
                    throw new FormatException($"the lines of family '{name}' are not one group");
                }

                if (declaring && families[index].Samples.Count > 0)
                {
                    throw new FormatException($"HELP or TYPE for '{name}' after its samples");
                }

                return families[index];
            }

            families.Add((name, "untyped-implicit", null, []));
            current = byName[name] = families.Count - 1;
            return families[current];
        }

        private void Replace(string name, (string Name, string Type, string? Help, List<PrometheusSample> Samples) entry) =>
            families[byName[name]] = entry;
    }
}
