using System.Text.Json;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>
/// <c>{{name}}</c> references as APIM and the <c>\{\{([^{}]*)\}\}</c> pattern read them (no braces inside a name), and
/// the named values a document's policies reference at every scope: what a gateway must be sent, and nothing else.
/// </summary>
public static class NamedValueReferences
{
    /// <summary>The ids referenced by the policies of <paramref name="snapshot"/> (global, products, APIs, operations), as written.</summary>
    public static IReadOnlySet<string> In(GatewaySnapshot snapshot)
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Add(snapshot.Policies, ids);
        foreach (var product in snapshot.Products ?? [])
        {
            Add(product?.Policies, ids);
        }

        foreach (var api in snapshot.Apis ?? [])
        {
            Add(api?.Policies, ids);
            foreach (var operation in api?.Operations ?? [])
            {
                Add(operation?.Policies, ids);
            }
        }

        return ids;
    }

    /// <summary>The next reference in <paramref name="text"/> at or after <paramref name="from"/>: where it starts, where it ends (exclusive), its id.</summary>
    internal static bool TryFind(string text, int from, out int start, out int end, out string id)
    {
        for (var i = text.IndexOf("{{", from, StringComparison.Ordinal); i >= 0; i = text.IndexOf("{{", i + 1, StringComparison.Ordinal))
        {
            var close = text.IndexOfAny(['{', '}'], i + 2);
            if (close >= 0 && close + 1 < text.Length && text[close] == '}' && text[close + 1] == '}')
            {
                (start, end, id) = (i, close + 2, text[(i + 2)..close]);
                return true;
            }
        }

        (start, end, id) = (-1, -1, string.Empty);
        return false;
    }

    private static void Add(PolicySet? set, HashSet<string> ids)
    {
        foreach (var section in (ReadOnlySpan<IReadOnlyList<PolicyDefinition>?>)[set?.Inbound, set?.Backend, set?.Outbound, set?.OnError])
        {
            foreach (var policy in section ?? [])
            {
                foreach (var (_, value) in policy?.Attributes ?? [])
                {
                    Add(value, ids);
                }
            }
        }
    }

    private static void Add(JsonElement value, HashSet<string> ids)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                for (var at = 0; TryFind(text, at, out _, out var end, out var id); at = end)
                {
                    ids.Add(id);
                }

                break;
            case JsonValueKind.Array:
                foreach (var element in value.EnumerateArray())
                {
                    Add(element, ids);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    Add(property.Value, ids);
                }

                break;
            default:
                break;
        }
    }
}
