using System.Globalization;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

/// <summary>Parses one sample line of the text format 0.0.4; any deviation is a <see cref="FormatException"/>.</summary>
internal static class SampleParser
{
    public static PrometheusSample Parse(string line)
    {
        var at = 0;
        var name = Name(line, ref at, metric: true);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var afterName = at;
        SkipBlanks(line, ref at);
        if (at < line.Length && line[at] == '{')
        {
            at++;
            Labels(line, ref at, labels);
            afterName = at;
            SkipBlanks(line, ref at);
        }

        if (at == afterName || at == line.Length)
        {
            throw new FormatException("expected a blank and a value after the name and labels");
        }

        var value = Value(Token(line, ref at));
        SkipBlanks(line, ref at);
        long? timestamp = null;
        if (at < line.Length)
        {
            var text = Token(line, ref at);
            timestamp = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
                ? ms
                : throw new FormatException($"'{text}' is not a timestamp (integer milliseconds)");
            SkipBlanks(line, ref at);
            if (at < line.Length)
            {
                throw new FormatException("unexpected text after the timestamp");
            }
        }

        return new PrometheusSample(name, labels, value, timestamp);
    }

    public static void CheckMetricName(string name)
    {
        var at = 0;
        if (Name(name, ref at, metric: true).Length != name.Length)
        {
            throw new FormatException($"'{name}' is not a metric name");
        }
    }

    /// <summary>Go's float syntax as Prometheus writes it: decimal or exponent numbers, +Inf, -Inf, NaN.</summary>
    public static double Value(string text) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw new FormatException($"'{text}' is not a sample value"),
    };

    private static void Labels(string line, ref int at, Dictionary<string, string> labels)
    {
        while (true)
        {
            SkipBlanks(line, ref at);
            if (at < line.Length && line[at] == '}')
            {
                at++;
                return;
            }

            var label = Name(line, ref at, metric: false);
            SkipBlanks(line, ref at);
            Expect(line, ref at, '=');
            SkipBlanks(line, ref at);
            Expect(line, ref at, '"');
            var start = at;
            while (at < line.Length && line[at] != '"')
            {
                at += line[at] == '\\' ? 2 : 1;
            }

            if (at >= line.Length)
            {
                throw new FormatException($"the value of label '{label}' is not closed");
            }

            var value = Unescape(line[start..at], allowQuote: true);
            at++;
            if (!labels.TryAdd(label, value))
            {
                throw new FormatException($"label '{label}' given twice");
            }

            SkipBlanks(line, ref at);
            if (at < line.Length && line[at] == ',')
            {
                at++;
            }
            else if (at >= line.Length || line[at] != '}')
            {
                throw new FormatException("expected ',' or '}' after a label");
            }
        }
    }

    /// <summary>The escapes of HELP text (<c>\\</c>, <c>\n</c>) and of label values (also <c>\"</c>); any other is an error.</summary>
    public static string Unescape(string text, bool allowQuote)
    {
        var result = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }

            if (++i == text.Length)
            {
                throw new FormatException("a dangling backslash");
            }

            result.Append(text[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when allowQuote => '"',
                var other => throw new FormatException($"an unknown escape '\\{other}'"),
            });
        }

        return result.ToString();
    }

    private static string Name(string line, ref int at, bool metric)
    {
        var start = at;
        while (at < line.Length && (char.IsAsciiLetter(line[at]) || line[at] == '_' || (metric && line[at] == ':')
            || (at > start && char.IsAsciiDigit(line[at]))))
        {
            at++;
        }

        return at > start ? line[start..at] : throw new FormatException($"expected a {(metric ? "metric" : "label")} name at column {start + 1}");
    }

    private static string Token(string line, ref int at)
    {
        var start = at;
        while (at < line.Length && !IsBlank(line[at]))
        {
            at++;
        }

        return line[start..at];
    }

    private static void Expect(string line, ref int at, char expected)
    {
        if (at >= line.Length || line[at] != expected)
        {
            throw new FormatException($"expected '{expected}' at column {at + 1}");
        }

        at++;
    }

    private static bool IsBlank(char c) => c is ' ' or '\t';

    private static void SkipBlanks(string line, ref int at)
    {
        while (at < line.Length && IsBlank(line[at]))
        {
            at++;
        }
    }
}

/// <summary>A histogram must be whole: per series, ascending cumulative buckets ending in +Inf, equal to _count, and a _sum.</summary>
internal static class HistogramRules
{
    public static void Check(string family, IReadOnlyList<PrometheusSample> samples)
    {
        foreach (var sample in samples)
        {
            if (sample.Name != family + "_bucket" && sample.Name != family + "_sum" && sample.Name != family + "_count")
            {
                throw new FormatException($"histogram '{family}' has a sample called '{sample.Name}'");
            }

            if (sample.Name.EndsWith("_bucket", StringComparison.Ordinal) && sample["le"] is null)
            {
                throw new FormatException($"a bucket of histogram '{family}' has no 'le' label: {sample}");
            }
        }

        foreach (var series in samples.GroupBy(s => SeriesKey(s)))
        {
            var buckets = series.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal))
                .Select(s => (Le: SampleParser.Value(s["le"]!), s.Value)).OrderBy(b => b.Le).ToList();
            var count = series.SingleOrDefault(s => s.Name.EndsWith("_count", StringComparison.Ordinal));
            var sum = series.SingleOrDefault(s => s.Name.EndsWith("_sum", StringComparison.Ordinal));
            if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].Le) || count is null || sum is null)
            {
                throw new FormatException($"histogram '{family}' series {series.Key} lacks its +Inf bucket, _count or _sum");
            }

            for (var i = 1; i < buckets.Count; i++)
            {
                if (buckets[i].Value < buckets[i - 1].Value)
                {
                    throw new FormatException($"histogram '{family}' series {series.Key}: bucket le={buckets[i].Le} has fewer than the one before");
                }
            }

            if (buckets[^1].Value != count.Value)
            {
                throw new FormatException($"histogram '{family}' series {series.Key}: the +Inf bucket ({buckets[^1].Value}) is not _count ({count.Value})");
            }
        }
    }

    private static string SeriesKey(PrometheusSample sample) =>
        string.Join(",", sample.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}
