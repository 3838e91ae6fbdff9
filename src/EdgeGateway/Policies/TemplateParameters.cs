using System.Text;
using EdgeGateway.Proxy;

namespace EdgeGateway.Policies;

/// <summary>The matched operation's parameters, as rewrite-uri reads them: path ones from the raw path, query ones from the query.</summary>
internal static class TemplateParameters
{
    /// <summary>
    /// The raw text (as the client wrote it, still percent-encoded) of the path segment the operation's template names
    /// <paramref name="name"/>; null when it names no such segment. Dot segments are resolved first, as they were for
    /// routing, so the segment is the one the template matched.
    /// </summary>
    public static string? PathValue(PolicyRun run, string name)
    {
        if (run.Operation is not { } operation)
        {
            return null;
        }

        var index = -1;
        for (var i = 0; i < operation.Template.Segments.Count; i++)
        {
            var segment = operation.Template.Segments[i];
            if (segment.IsParameter && string.Equals(segment.Value, name, StringComparison.OrdinalIgnoreCase))
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            return null;
        }

        var raw = run.Remainder.Path;
        var path = RawRemainder.HasDotSegment(raw) ? RawRemainder.RemoveDotSegments(raw) : raw.ToString();
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return index < segments.Length ? segments[index] : null;
    }

    /// <summary>The decoded value of the query parameter the operation's template binds to <paramref name="name"/> (<c>?a={name}</c>).</summary>
    public static string? QueryValue(PolicyRun run, string name, out bool bound)
    {
        foreach (var (parameter, queryName) in run.Operation?.QueryBindings ?? [])
        {
            if (string.Equals(parameter, name, StringComparison.OrdinalIgnoreCase))
            {
                bound = true;
                var values = run.Http.Request.Query[queryName];
                return values.Count == 0 ? null : values.ToString();
            }
        }

        bound = false;
        return null;
    }

    /// <summary>The request's query pairs the operation's template does not name, as the client wrote them; never the subscription key.</summary>
    public static void AppendUnmatched(PolicyRun run, StringBuilder query)
    {
        var raw = run.Http.Request.QueryString.Value.AsSpan();
        if (raw.Length <= 1)
        {
            return;
        }

        foreach (var range in raw[1..].Split('&'))
        {
            var pair = raw[1..][range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            var name = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).ToString().Replace('+', ' '));
            if (string.Equals(name, run.Route.KeyQuery, StringComparison.OrdinalIgnoreCase) || IsMatched(run, name))
            {
                continue;
            }

            query.Append(query.Length == 0 ? "" : "&").Append(pair);
        }
    }

    private static bool IsMatched(PolicyRun run, string name)
    {
        foreach (var (_, queryName) in run.Operation?.QueryBindings ?? [])
        {
            if (string.Equals(queryName, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
