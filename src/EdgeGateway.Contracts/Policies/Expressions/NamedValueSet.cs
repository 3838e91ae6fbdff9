using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>
/// A snapshot's named values by id, compared as APIM compares them (case-insensitive). A value may be unknown: a secret
/// withheld by the management plane (or, in a document that is invalid anyway, a value left out).
/// </summary>
public sealed class NamedValueSet
{
    private readonly Dictionary<string, NamedValueDefinition> values = new(StringComparer.OrdinalIgnoreCase);

    public NamedValueSet(IEnumerable<NamedValueDefinition?>? definitions)
    {
        foreach (var definition in definitions ?? [])
        {
            if (definition?.Id is { } id && !values.ContainsKey(id))
            {
                values.Add(id, definition);
            }
        }
    }

    public static NamedValueSet Empty { get; } = new(null);

    internal bool TryGet(string id, out NamedValueDefinition definition) => values.TryGetValue(id, out definition!);
}
