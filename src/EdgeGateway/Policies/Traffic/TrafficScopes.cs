using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Policies.Traffic;

/// <summary>
/// Names where each policy of a snapshot is written (<c>api:orders/inbound[1]</c>, <c>product:gold/inbound[0]</c>,
/// <c>api:orders/operation:get/inbound[0]</c>, <c>global/inbound[2]</c>; a policy inside choose gets its enclosing
/// policy's name and its place among the nested ones compiled there). Rate-limit, quota and limit-concurrency counters
/// carry it, so two policies never share a counter by accident; the name depends only on the snapshot, so every gateway
/// serving it, and the next revision while the policy keeps its place, counts in the same counters.
/// </summary>
internal sealed class TrafficScopes
{
    private readonly Dictionary<PolicyDefinition, string> names = new(ReferenceEqualityComparer.Instance);
    private string current = "nested";
    private int nested;

    public TrafficScopes(GatewaySnapshot snapshot)
    {
        Add("global", snapshot.Policies);
        foreach (var product in snapshot.Products ?? [])
        {
            Add($"product:{product.Id}", product.Policies);
        }

        foreach (var api in snapshot.Apis ?? [])
        {
            Add($"api:{api.Id}", api.Policies);
            foreach (var operation in api.Operations ?? [])
            {
                Add($"api:{api.Id}/operation:{operation.Id}", operation.Policies);
            }
        }
    }

    /// <summary>The compiler is about to compile <paramref name="policy"/>: a written one becomes the enclosing name of nested ones compiled under it.</summary>
    public void Enter(PolicyDefinition policy)
    {
        if (names.TryGetValue(policy, out var name))
        {
            current = name;
            nested = 0;
        }
    }

    public string NameOf(PolicyDefinition policy) => names.TryGetValue(policy, out var name) ? name : $"{current}/nested[{nested++}]";

    private void Add(string scope, PolicySet? set)
    {
        if (set is null)
        {
            return;
        }

        Section(scope, "inbound", set.Inbound);
        Section(scope, "backend", set.Backend);
        Section(scope, "outbound", set.Outbound);
        Section(scope, "onError", set.OnError);
    }

    private void Section(string scope, string section, IReadOnlyList<PolicyDefinition>? policies)
    {
        for (var i = 0; policies is not null && i < policies.Count; i++)
        {
            if (policies[i] is { } policy && policy.Type != PolicyCatalog.Base)
            {
                names.TryAdd(policy, $"{scope}/{section}[{i}]");
            }
        }
    }
}
