namespace EdgeGateway.Routing;

/// <summary>
/// Finds the API for a request path: the longest prefix that ends on a segment boundary, found by
/// walking the path's own prefixes (one hash lookup per segment, however many APIs there are).
/// </summary>
internal sealed class RouteTable
{
    private readonly Dictionary<string, ApiRoute>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public RouteTable(IEnumerable<ApiRoute> routes)
    {
        var byPrefix = new Dictionary<string, ApiRoute>(StringComparer.OrdinalIgnoreCase);
        foreach (var route in routes)
        {
            byPrefix[route.Prefix] = route;
        }

        lookup = byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The API and the rest of the path after its prefix ("" or "/..." ).</summary>
    public ApiRoute? Match(ReadOnlySpan<char> path, out int prefixLength)
    {
        var candidate = path.TrimEnd('/');
        while (true)
        {
            if (lookup.TryGetValue(candidate, out var route))
            {
                prefixLength = candidate.Length;
                return route;
            }

            if (candidate.Length == 0)
            {
                prefixLength = 0;
                return null;
            }

            var slash = candidate.LastIndexOf('/');
            candidate = slash <= 0 ? [] : candidate[..slash];
        }
    }
}
