using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Contracts.Snapshot;

/// <summary>
/// One path segment of a URL template: literal text ("items"), a parameter filling it ("{id}"), or a complex segment of
/// literal text and parameters in turn ("{id}.{format}", "{name}:cancel"), as ASP.NET Core routing's complex segments.
/// </summary>
/// <param name="Value">The literal text, the parameter's name, or a complex segment's text as written.</param>
/// <param name="IsParameter">A parameter filling the whole segment.</param>
/// <param name="Parts">A complex segment's parts, left to right, never two parameters side by side; null otherwise.</param>
public readonly record struct TemplateSegment(string Value, bool IsParameter, IReadOnlyList<TemplatePart>? Parts = null)
{
    public bool IsComplex => Parts is not null;

    /// <summary>Whether a (non-empty) path segment matches: literals case-insensitively; allocation-free.</summary>
    public bool Matches(ReadOnlySpan<char> text) =>
        IsParameter ? !text.IsEmpty : Parts is null ? text.Equals(Value, StringComparison.OrdinalIgnoreCase) : TryMatch(text, []);

    /// <summary>
    /// Where <paramref name="name"/>'s value lies in <paramref name="text"/>: the whole segment, or its share of a complex
    /// one; false when the segment does not match or has no such parameter.
    /// </summary>
    public bool TryGetParameter(string name, ReadOnlySpan<char> text, out Range range)
    {
        range = default;
        if (IsParameter)
        {
            range = Range.All;
            return string.Equals(Value, name, StringComparison.OrdinalIgnoreCase) && !text.IsEmpty;
        }

        for (var i = 0; i < (Parts?.Count ?? 0); i++)
        {
            if (Parts![i].IsParameter && string.Equals(Parts[i].Text, name, StringComparison.OrdinalIgnoreCase))
            {
                Span<Range> values = stackalloc Range[Parts.Count];
                if (!TryMatch(text, values))
                {
                    return false;
                }

                range = values[i];
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Matches a complex segment as ASP.NET Core does: from right to left, a literal at the end must end the text, one at
    /// the start must start it, and each parameter takes the shortest non-empty text that lets the literal to its left
    /// match ("{name}.{ext}" on "a.b.c": name "a.b", ext "c"). Writes each parameter's range into
    /// <paramref name="values"/> at its part's index, unless <paramref name="values"/> is empty.
    /// </summary>
    public bool TryMatch(ReadOnlySpan<char> text, Span<Range> values)
    {
        if (Parts is not { } parts)
        {
            return Matches(text);
        }

        var end = text.Length; // the text left of this is still to be matched
        var pending = false; // a parameter right of the current part waits for the literal on its left
        for (var i = parts.Count - 1; i >= 0; i--)
        {
            var part = parts[i];
            if (part.IsParameter)
            {
                if (i > 0)
                {
                    pending = true;
                    continue;
                }

                if (end == 0)
                {
                    return false;
                }

                Record(values, i, 0..end);
                end = 0;
                continue;
            }

            int at;
            if (!pending)
            {
                // The last part: the literal ends the text.
                if (!text[..end].EndsWith(part.Text, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                at = end - part.Text.Length;
            }
            else if (i == 0)
            {
                if (!text[..end].StartsWith(part.Text, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                at = 0;
            }
            else
            {
                // The rightmost occurrence that leaves the pending parameter at least one character.
                at = end < 1 ? -1 : text[..(end - 1)].LastIndexOf(part.Text, StringComparison.OrdinalIgnoreCase);
                if (at < 0)
                {
                    return false;
                }
            }

            if (pending)
            {
                var start = at + part.Text.Length;
                if (start >= end)
                {
                    return false;
                }

                Record(values, i + 1, start..end);
                pending = false;
            }

            end = at;
        }

        return end == 0;
    }

    private static void Record(Span<Range> values, int index, Range range)
    {
        if (!values.IsEmpty)
        {
            values[index] = range;
        }
    }

    /// <summary>Parses one segment that holds '{' or '}'; parameter names are added to <paramref name="names"/>.</summary>
    internal static bool TryParseWithParameters(string text, HashSet<string> names, out TemplateSegment segment, out string? error)
    {
        segment = default;
        var parts = new List<TemplatePart>();
        var start = 0;
        while (start < text.Length)
        {
            var open = text.IndexOfAny(['{', '}'], start);
            if (open < 0)
            {
                parts.Add(new TemplatePart(text[start..], false));
                break;
            }

            if (text[open] == '}')
            {
                error = $"segment '{text}': a '}}' without its '{{'";
                return false;
            }

            var close = text.IndexOfAny(['{', '}'], open + 1);
            if (close < 0 || text[close] == '{')
            {
                error = $"segment '{text}': a '{{' without its '}}'";
                return false;
            }

            var name = text[(open + 1)..close];
            if (!UrlTemplate.IsParameterName(name))
            {
                error = $"segment '{text}': parameter names use letters, digits, '-' and '_'";
                return false;
            }

            if (open > start)
            {
                parts.Add(new TemplatePart(text[start..open], false));
            }
            else if (parts.Count > 0)
            {
                var previous = parts[^1].Text;
                error = $"segment '{text}': parameters '{{{previous}}}' and '{{{name}}}' need literal text between them, like '{{{previous}}}.{{{name}}}'";
                return false;
            }

            if (!names.Add(name))
            {
                error = $"parameter '{name}' appears twice";
                return false;
            }

            parts.Add(new TemplatePart(name, true));
            start = close + 1;
        }

        segment = parts.Count == 1 ? new TemplateSegment(parts[0].Text, IsParameter: true) : new TemplateSegment(text, false, parts.ToArray());
        error = null;
        return true;
    }
}
