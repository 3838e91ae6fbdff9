using System.Text;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Proxy;

namespace EdgeGateway.Policies;

/// <summary>The matched operation's parameters, as rewrite-uri reads them: path ones from the raw path, query ones from the query.</summary>
internal static class TemplateParameters
{
    /// <summary>
    /// The raw text (as the client wrote it, still percent-encoded) the operation's template gives parameter
    /// <paramref name="name"/>: a whole path segment, or its share of a complex one ("{id}.{format}"); null when the
    /// template names no such parameter. Dot segments are resolved first, as they were for routing, so the segment is the
    /// one the template matched.
    /// </summary>
    public static string? PathValue(PolicyRun run, string name)
    {
        if (run.Operation is not { } operation)
        {
            return null;
        }

        var index = operation.Template.SegmentOf(name);
        if (index < 0)
        {
            return null;
        }

        var raw = run.Remainder.Path;
        var path = RawRemainder.HasDotSegment(raw) ? RawRemainder.RemoveDotSegments(raw) : raw.ToString();
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (index >= segments.Length)
        {
            return null;
        }

        return ShareOf(operation.Template.Segments[index], name, segments[index]);
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

    /// <summary>
    /// The parameter's share of a raw segment. Routing matched the segment decoded, where a literal the client
    /// percent-encoded ("42%2Ejson") is plain: match it with its ASCII escapes decoded (never %2F, which routing keeps too),
    /// then cut the raw text at the same places, so the value keeps the bytes the client wrote.
    /// </summary>
    private static string? ShareOf(TemplateSegment segment, string name, string raw)
    {
        if (!segment.IsComplex || !raw.Contains('%'))
        {
            return segment.TryGetParameter(name, raw, out var range) ? raw[range] : null;
        }

        var decoded = new StringBuilder(raw.Length);
        var rawIndex = new int[raw.Length + 1]; // rawIndex[i]: where decoded character i starts in raw
        var i = 0;
        while (i < raw.Length)
        {
            rawIndex[decoded.Length] = i;
            if (raw[i] == '%' && i + 2 < raw.Length
                && byte.TryParse(raw.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var b) && b < 0x80 && b != '/')
            {
                decoded.Append((char)b);
                i += 3;
            }
            else
            {
                decoded.Append(raw[i]);
                i++;
            }
        }

        rawIndex[decoded.Length] = raw.Length;
        var text = decoded.ToString();
        if (!segment.TryGetParameter(name, text, out var share))
        {
            return null;
        }

        var (start, length) = share.GetOffsetAndLength(text.Length);
        return raw[rawIndex[start]..rawIndex[start + length]];
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
