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
    /// percent-encoded ("42%2Ejson", "caf%C3%A9") is plain: match it with its escapes decoded as UTF-8 (never %2F, which
    /// routing keeps too),
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
        Span<byte> utf8 = stackalloc byte[4];
        Span<char> chars = stackalloc char[2];
        while (i < raw.Length)
        {
            rawIndex[decoded.Length] = i;
            var escaped = EscapedUtf8(raw, i, utf8);
            if (escaped > 0 && Rune.DecodeFromUtf8(utf8[..escaped], out var rune, out _) == System.Buffers.OperationStatus.Done
                && rune.Value != '/')
            {
                var count = rune.EncodeToUtf16(chars);
                for (var c = 0; c < count; c++)
                {
                    rawIndex[decoded.Length] = i;
                    decoded.Append(chars[c]);
                }

                i += escaped * 3;
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

    /// <summary>
    /// How many bytes of one UTF-8 character the percent escapes at <paramref name="at"/> hold (copied to
    /// <paramref name="bytes"/>); 0 when there is no escape there or it is not a whole character.
    /// </summary>
    private static int EscapedUtf8(string raw, int at, Span<byte> bytes)
    {
        if (!TryEscapedByte(raw, at, out var first))
        {
            return 0;
        }

        var length = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 0;
        if (length == 0 || at + (length * 3) > raw.Length)
        {
            return 0;
        }

        bytes[0] = first;
        for (var k = 1; k < length; k++)
        {
            if (!TryEscapedByte(raw, at + (k * 3), out bytes[k]))
            {
                return 0;
            }
        }

        return length;
    }

    private static bool TryEscapedByte(string raw, int at, out byte value)
    {
        value = 0;
        return at + 2 < raw.Length && raw[at] == '%'
            && byte.TryParse(raw.AsSpan(at + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);
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
