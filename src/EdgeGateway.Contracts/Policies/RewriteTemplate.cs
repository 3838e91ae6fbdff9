namespace EdgeGateway.Contracts.Policies;

/// <summary>
/// A rewrite-uri template (<c>/v2/{id}/details?view={view}</c>), parsed once: literal text and <c>{name}</c> placeholders,
/// path and query apart. Both planes parse literal templates with this at load, and the gateway parses an expression's
/// result with it per request, so a template is refused for the same reasons wherever it comes from.
/// </summary>
/// <remarks>
/// What is refused keeps the rewritten request inside what the template says: no dot segments (<c>.</c>, <c>..</c>, also
/// written <c>%2E</c>), which a backend would resolve into another path; no characters a request target cannot carry as
/// written (controls, space, non-ASCII, <c>#</c>, <c>\</c>); braces only around a parameter name.
/// </remarks>
public sealed class RewriteTemplate
{
    /// <summary>The longest template accepted, in characters.</summary>
    public const int MaxLength = 2048;

    private RewriteTemplate(IReadOnlyList<TemplatePart> path, IReadOnlyList<TemplatePart> query)
    {
        Path = path;
        Query = query;
    }

    /// <summary>The path, from its leading '/'.</summary>
    public IReadOnlyList<TemplatePart> Path { get; }

    /// <summary>The query after '?' (empty without one), placeholders allowed in names and values.</summary>
    public IReadOnlyList<TemplatePart> Query { get; }

    public static bool TryParse(string text, out RewriteTemplate? template, out string? error)
    {
        template = null;
        if (text.Length == 0 || text[0] != '/')
        {
            error = "must start with '/' (a path relative to the backend's base URL)";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"is longer than {MaxLength} characters";
            return false;
        }

        foreach (var c in text)
        {
            if (c <= 0x20 || c >= 0x7F || c is '#' or '\\')
            {
                error = "may not contain spaces, control or non-ASCII characters, '#' or '\\' (percent-encode them)";
                return false;
            }
        }

        var question = text.IndexOf('?');
        var pathText = question < 0 ? text : text[..question];
        var queryText = question < 0 ? "" : text[(question + 1)..];
        if (!TrySplit(pathText, out var path, out error) || !TrySplit(queryText, out var query, out error))
        {
            return false;
        }

        foreach (var segment in pathText.Split('/'))
        {
            if (IsDotSegment(segment))
            {
                error = $"has the dot segment '{segment}': the backend would resolve it into another path";
                return false;
            }
        }

        template = new RewriteTemplate(path, query);
        error = null;
        return true;
    }

    /// <summary>"." or "..", each dot possibly written <c>%2E</c>, as a backend (and Kestrel) reads them.</summary>
    public static bool IsDotSegment(ReadOnlySpan<char> segment) => DotSegment(segment) > 0;

    /// <summary>1 for ".", 2 for "..", either possibly written with <c>%2E</c>; 0 for any other segment.</summary>
    public static int DotSegment(ReadOnlySpan<char> segment)
    {
        var dots = 0;
        while (!segment.IsEmpty)
        {
            if (segment[0] == '.')
            {
                segment = segment[1..];
            }
            else if (segment.StartsWith("%2e", StringComparison.OrdinalIgnoreCase))
            {
                segment = segment[3..];
            }
            else
            {
                return 0;
            }

            dots++;
        }

        return dots <= 2 ? dots : 0;
    }

    /// <summary>
    /// What an operation's URL template binds from the query: <c>/get?a={b}</c> gives (b, a), the parameter b read from the
    /// query parameter a. The names of these query parameters are the "matched" ones copyUnmatchedParams leaves out.
    /// </summary>
    public static IReadOnlyList<(string Parameter, string QueryName)> QueryBindings(string operationTemplate)
    {
        var question = operationTemplate.IndexOf('?');
        if (question < 0)
        {
            return [];
        }

        var bindings = new List<(string, string)>();
        foreach (var pair in operationTemplate[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            if (value.Length > 2 && value[0] == '{' && value[^1] == '}')
            {
                bindings.Add((value[1..^1], name));
            }
            else
            {
                bindings.Add(("", name)); // a fixed query parameter of the operation: matched, binds nothing
            }
        }

        return bindings;
    }

    private static bool TrySplit(string text, out List<TemplatePart> parts, out string? error)
    {
        parts = [];
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
                error = "has a '}' without its '{'";
                return false;
            }

            var close = text.IndexOfAny(['{', '}'], open + 1);
            if (close < 0 || text[close] == '{')
            {
                error = "has a '{' without its '}'";
                return false;
            }

            var name = text[(open + 1)..close];
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                error = $"'{{{name}}}': a parameter name uses letters, digits, '-' and '_'";
                return false;
            }

            if (open > start)
            {
                parts.Add(new TemplatePart(text[start..open], false));
            }

            parts.Add(new TemplatePart(name, true));
            start = close + 1;
        }

        error = null;
        return true;
    }
}

/// <summary>Literal text, or the name of a parameter of the matched operation.</summary>
public readonly record struct TemplatePart(string Text, bool IsParameter);
