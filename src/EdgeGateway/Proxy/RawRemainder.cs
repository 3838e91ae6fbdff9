namespace EdgeGateway.Proxy;

/// <summary>
/// The part of the request target a backend gets, taken from the target exactly as the client sent it
/// (IHttpRequestFeature.RawTarget): routing runs on Kestrel's decoded, dot-resolved path, but decoding
/// and re-encoding would change what the client meant (<c>a%2Fb</c> must not become <c>a%252Fb</c>).
/// </summary>
/// <remarks>
/// The decoded path and the raw one have the same segments (Kestrel never decodes <c>%2F</c>) as long as
/// no dot segment is involved, so the API prefix is skipped by counting segments. Dot segments inside the
/// remainder reach the backend as sent, unless they would climb above the remainder's start (out of the
/// backend URL's path): then, and when the prefix itself was reached through one, the raw path's dot
/// segments are resolved first (RFC 3986 §5.2.4, <c>%2E</c> counting as a dot, as Kestrel does).
/// </remarks>
internal readonly record struct RawRemainder(string Source, int Start, int End)
{
    public ReadOnlySpan<char> Path => Source.AsSpan(Start, End - Start);

    /// <summary>The path after the first <paramref name="prefixSegments"/> segments of the raw target's path (without the query).</summary>
    public static RawRemainder From(string rawTarget, int prefixSegments)
    {
        var pathStart = PathStart(rawTarget);
        var query = rawTarget.IndexOf('?', pathStart);
        var pathEnd = query < 0 ? rawTarget.Length : query;
        var path = rawTarget.AsSpan(pathStart, pathEnd - pathStart);

        // Fast path: no '.' at all, and no escape that could be one.
        if (path.IndexOf('.') < 0 && path.IndexOf("%2e", StringComparison.OrdinalIgnoreCase) < 0)
        {
            return new RawRemainder(rawTarget, pathStart + SkipSegments(path, prefixSegments), pathEnd);
        }

        var skip = SkipSegments(path, prefixSegments);
        if (!HasDotSegment(path[..skip]) && !ClimbsAboveStart(path[skip..]))
        {
            return new RawRemainder(rawTarget, pathStart + skip, pathEnd);
        }

        var resolved = RemoveDotSegments(path);
        return new RawRemainder(resolved, SkipSegments(resolved, prefixSegments), resolved.Length);
    }

    /// <summary>Origin form starts with '/'; absolute form (<c>http://host/path</c>) has the path after the authority.</summary>
    private static int PathStart(string rawTarget)
    {
        if (rawTarget.StartsWith('/'))
        {
            return 0;
        }

        var scheme = rawTarget.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return rawTarget.Length; // asterisk form ("OPTIONS *"): no path
        }

        var slash = rawTarget.IndexOfAny(['/', '?'], scheme + 3);
        return slash < 0 ? rawTarget.Length : slash;
    }

    /// <summary>Index of the '/' that starts segment number <paramref name="count"/> (0-based), or the path's length.</summary>
    private static int SkipSegments(ReadOnlySpan<char> path, int count)
    {
        var index = 0;
        for (var i = 0; i < count; i++)
        {
            if (index + 1 >= path.Length)
            {
                return path.Length;
            }

            var next = path[(index + 1)..].IndexOf('/');
            if (next < 0)
            {
                return path.Length;
            }

            index += next + 1;
        }

        return Math.Min(index, path.Length);
    }

    internal static bool HasDotSegment(ReadOnlySpan<char> path)
    {
        foreach (var range in path.Split('/'))
        {
            if (Dots(path[range]) > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether resolving the dot segments of this path would go above its first segment.</summary>
    private static bool ClimbsAboveStart(ReadOnlySpan<char> path)
    {
        var depth = 0;
        var first = true;
        foreach (var range in path.Split('/'))
        {
            if (first)
            {
                first = false; // the empty piece before the leading '/'
                continue;
            }

            switch (Dots(path[range]))
            {
                case 2 when --depth < 0:
                    return true;
                case 2 or 1:
                    break;
                default:
                    depth++;
                    break;
            }
        }

        return false;
    }

    /// <summary>1 for ".", 2 for "..", either possibly written with %2E; 0 for anything else.</summary>
    private static int Dots(ReadOnlySpan<char> segment) => Contracts.Policies.RewriteTemplate.DotSegment(segment);

    /// <summary>RFC 3986 §5.2.4 over the raw segments: escapes other than dots stay as they are.</summary>
    internal static string RemoveDotSegments(ReadOnlySpan<char> path)
    {
        var kept = new List<Range>();
        var trailingSlash = false;
        var first = true;
        foreach (var range in path.Split('/'))
        {
            if (first)
            {
                first = false;
                continue;
            }

            trailingSlash = false;
            switch (Dots(path[range]))
            {
                case 1:
                    trailingSlash = true;
                    break;
                case 2:
                    if (kept.Count > 0)
                    {
                        kept.RemoveAt(kept.Count - 1);
                    }

                    trailingSlash = true;
                    break;
                default:
                    kept.Add(range);
                    break;
            }
        }

        var builder = new System.Text.StringBuilder(path.Length);
        foreach (var range in kept)
        {
            builder.Append('/').Append(path[range]);
        }

        if (trailingSlash || builder.Length == 0)
        {
            builder.Append('/');
        }

        return builder.ToString();
    }
}
