using System.Text.Json;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Policies;

/// <summary>
/// APIM's <c>choose</c> as JSON: <c>{ "type": "choose", "when": [ { "condition": "@(...)", "policies": [ ... ] } ],
/// "otherwise": [ ... ] }</c>. Its nested policies stay raw JSON in the policy's attributes (as every attribute does);
/// this reads them back into policy objects, for the validator, the management plane's walks and the gateway's compiler.
/// </summary>
public static class ChoosePolicy
{
    public const string Type = "choose";

    public const string When = "when";

    public const string Otherwise = "otherwise";

    public const string Condition = "condition";

    public const string Policies = "policies";

    /// <summary>
    /// The policies of a nested list, in order: null where an entry is not a policy object (the validator reports it at
    /// its path). Reading allocates: called once per snapshot, never per request.
    /// </summary>
    public static IReadOnlyList<PolicyDefinition?> Read(JsonElement list)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var policies = new List<PolicyDefinition?>(list.GetArrayLength());
        foreach (var element in list.EnumerateArray())
        {
            policies.Add(ReadOne(element));
        }

        return policies;
    }

    /// <summary>Every policy nested in <paramref name="policy"/> (when and otherwise, recursively): what walks over a document must see too.</summary>
    public static IEnumerable<PolicyDefinition> Nested(PolicyDefinition policy)
    {
        if (policy.Type != Type || policy.Attributes is null)
        {
            yield break;
        }

        var lists = new List<JsonElement>();
        if (policy.Attributes.TryGetValue(When, out var when) && when.ValueKind == JsonValueKind.Array)
        {
            foreach (var branch in when.EnumerateArray())
            {
                if (branch.ValueKind == JsonValueKind.Object && branch.TryGetProperty(Policies, out var list))
                {
                    lists.Add(list);
                }
            }
        }

        if (policy.Attributes.TryGetValue(Otherwise, out var otherwise))
        {
            lists.Add(otherwise);
        }

        foreach (var list in lists)
        {
            foreach (var nested in Read(list))
            {
                if (nested is not null)
                {
                    yield return nested;
                    foreach (var deeper in Nested(nested))
                    {
                        yield return deeper;
                    }
                }
            }
        }
    }

    private static PolicyDefinition? ReadOne(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            return element.Deserialize(SnapshotJsonContext.Default.PolicyDefinition);
        }
        catch (JsonException)
        {
            return null; // "type" not a string: refused at its path like any malformed entry
        }
    }
}
