using System.Text.Json.Serialization.Metadata;

namespace EdgeGateway.Contracts.Snapshot;

/// <summary>
/// "Did you mean" for an unknown field: the known JSON names of each snapshot type, read once from the source-generated
/// metadata (no reflection), and the nearest one to a misspelling.
/// </summary>
internal static class FieldSuggestions
{
    private static readonly Lazy<Dictionary<string, string[]>> NamesByType = new(Collect);

    /// <summary>The known field of <paramref name="typeName"/> (a full .NET type name) closest to <paramref name="unknown"/>, if one is close.</summary>
    public static string? Nearest(string typeName, string unknown)
    {
        if (unknown.Length == 0 || !NamesByType.Value.TryGetValue(typeName, out var names))
        {
            return null;
        }

        // A third of the name's length (at least one, at most three) is a typo; more than that is another word.
        var budget = Math.Clamp(unknown.Length / 3, 1, 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in names)
        {
            if (Math.Abs(name.Length - unknown.Length) > budget)
            {
                continue; // too far apart to be a typo, whatever the letters (and no matrix for a huge name)
            }

            var distance = string.Equals(name, unknown, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(name, unknown);
            if (distance <= budget && distance < bestDistance)
            {
                (best, bestDistance) = (name, distance);
            }
        }

        return best;
    }

    private static Dictionary<string, string[]> Collect()
    {
        var byType = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var pending = new Stack<JsonTypeInfo>([SnapshotJsonContext.Default.GatewaySnapshot]);
        while (pending.TryPop(out var info))
        {
            var type = info.Type;
            if (info.ElementType is { } element)
            {
                Visit(element);
            }

            if (info.Kind != JsonTypeInfoKind.Object || type.FullName is not { } name || byType.ContainsKey(name))
            {
                continue;
            }

            byType[name] = [.. info.Properties.Select(p => p.Name)];
            foreach (var property in info.Properties)
            {
                Visit(property.PropertyType);
            }
        }

        return byType;

        void Visit(Type type)
        {
            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            if (SnapshotJsonContext.Default.GetTypeInfo(underlying) is { } info && info.Kind != JsonTypeInfoKind.None)
            {
                pending.Push(info);
            }
        }
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 2])
                    && char.ToLowerInvariant(a[i - 2]) == char.ToLowerInvariant(b[j - 1]))
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
