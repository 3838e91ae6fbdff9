namespace EdgeGateway.Contracts.Snapshot;

/// <summary>
/// An operation's path template ("/items/{id}", "/records/{id}.{format}", "/files/*"), parsed once and shared by the
/// validator and the gateway's router so that both agree on what a template means.
/// </summary>
public sealed class UrlTemplate
{
    private UrlTemplate(string text, IReadOnlyList<TemplateSegment> segments, bool hasWildcard)
    {
        Text = text;
        Segments = segments;
        HasWildcard = hasWildcard;
    }

    public string Text { get; }

    public IReadOnlyList<TemplateSegment> Segments { get; }

    /// <summary>Ends in "/*": matches any number of further segments.</summary>
    public bool HasWildcard { get; }

    /// <summary>
    /// Literal segments count more than complex ones ("{id}.json"), and those more than parameters: the most specific
    /// template wins.
    /// </summary>
    public int Specificity => Segments.Sum(s => s.IsParameter ? 1 : s.IsComplex ? 2 : 4) * 2 - (HasWildcard ? 1 : 0);

    /// <summary>A key equal for templates that match exactly the same paths ("/a/{x}" and "/a/{y}", "/r/{a}.{b}" and "/r/{x}.{y}").</summary>
    public string ShapeKey => "/" + string.Join('/', Segments.Select(Shape)) + (HasWildcard ? "/*" : "");

    public static bool TryParse(string? text, out UrlTemplate? template, out string? error)
    {
        template = null;
        error = null;
        if (string.IsNullOrEmpty(text) || text[0] != '/')
        {
            error = "must start with '/'";
            return false;
        }

        // APIM templates may carry query parameters ("/items?x={x}"); matching is by path only.
        var pathPart = text.Split('?', 2)[0];
        var raw = pathPart.Split('/', StringSplitOptions.None).Skip(1).ToList();
        if (raw.Count > 0 && raw[^1].Length == 0)
        {
            raw.RemoveAt(raw.Count - 1); // trailing slash is insignificant
        }

        var wildcard = raw.Count > 0 && raw[^1] == "*";
        if (wildcard)
        {
            raw.RemoveAt(raw.Count - 1);
        }

        var segments = new List<TemplateSegment>(raw.Count);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in raw)
        {
            if (part.Length == 0)
            {
                error = "must not contain empty segments ('//')";
                return false;
            }

            if (part.Contains('{') || part.Contains('}'))
            {
                if (!TemplateSegment.TryParseWithParameters(part, names, out var segment, out error))
                {
                    return false;
                }

                if (segment.IsComplex && HasCharactersNotInAPath(part))
                {
                    error = $"segment '{part}' has characters not allowed in a path";
                    return false;
                }

                segments.Add(segment);
            }
            else if (part == "*")
            {
                error = "'*' is allowed only as the last segment";
                return false;
            }
            else
            {
                if (HasCharactersNotInAPath(part))
                {
                    error = $"segment '{part}' has characters not allowed in a path";
                    return false;
                }

                segments.Add(new TemplateSegment(part, IsParameter: false));
            }
        }

        template = new UrlTemplate(text, segments, wildcard);
        return true;
    }

    /// <summary>Matches a path relative to the API prefix, split into segments.</summary>
    public bool Matches(ReadOnlySpan<string> pathSegments)
    {
        if (pathSegments.Length < Segments.Count || (!HasWildcard && pathSegments.Length != Segments.Count))
        {
            return false;
        }

        for (var i = 0; i < Segments.Count; i++)
        {
            if (!Segments[i].Matches(pathSegments[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The index of the segment that binds parameter <paramref name="name"/> (whole or in a complex segment), or -1.</summary>
    public int SegmentOf(string name)
    {
        for (var i = 0; i < Segments.Count; i++)
        {
            var segment = Segments[i];
            if (segment.IsParameter ? string.Equals(segment.Value, name, StringComparison.OrdinalIgnoreCase)
                : segment.Parts?.Any(p => p.IsParameter && string.Equals(p.Text, name, StringComparison.OrdinalIgnoreCase)) == true)
            {
                return i;
            }
        }

        return -1;
    }

    internal static bool IsParameterName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static bool HasCharactersNotInAPath(string part) => part.Any(c => char.IsControl(c) || c == ' ' || c == '#');

    private static string Shape(TemplateSegment segment) =>
        segment.IsParameter ? "{}"
        : segment.Parts is { } parts ? string.Concat(parts.Select(p => p.IsParameter ? "{}" : p.Text.ToUpperInvariant()))
        : segment.Value.ToUpperInvariant();
}
