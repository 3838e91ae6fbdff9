using System.Text.Json;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.PolicyXml;
using ManagementPlane.State;

namespace ManagementPlane.Snapshots;

/// <summary>
/// Puts each policy fragment's policies where an <c>include-fragment</c> names it (in the scope's lists and in choose's
/// branches), when snapshots are compiled: gateways never see an include. Remembers how the expanded lists' paths map
/// back to the stored ones, so a validation error names the place the user wrote. A list without an include is kept as
/// it is (no copy).
/// </summary>
internal sealed class FragmentExpansion
{
    private readonly Dictionary<string, PolicyFragment> fragments;
    private readonly List<(string Expanded, string Original)> renames = [];

    private FragmentExpansion(ManagementState state) =>
        fragments = state.Fragments.Where(f => f.Id is not null).ToDictionary(f => f.Id!, StringComparer.OrdinalIgnoreCase);

    /// <summary>Includes that name no fragment, at their stored paths.</summary>
    public List<ConfigError> Missing { get; } = [];

    /// <summary>The state as gateways see it: every include expanded (the same instance when there is none).</summary>
    public static ManagementState Expand(ManagementState state) => Expand(state, out _);

    public static ManagementState Expand(ManagementState state, out FragmentExpansion expansion)
    {
        expansion = new FragmentExpansion(state);
        var apis = new List<ApiDefinition>(state.Apis.Count);
        var changed = false;
        for (var i = 0; i < state.Apis.Count; i++)
        {
            var api = state.Apis[i];
            var policies = expansion.Set(api.Policies, $"apis[{i}].policies");
            var operations = api.Operations;
            if (operations is not null)
            {
                var expandedOperations = new List<OperationDefinition>(operations.Count);
                for (var j = 0; j < operations.Count; j++)
                {
                    var operation = operations[j];
                    var operationPolicies = expansion.Set(operation.Policies, $"apis[{i}].operations[{j}].policies");
                    expandedOperations.Add(ReferenceEquals(operationPolicies, operation.Policies) ? operation : operation with { Policies = operationPolicies });
                }

                if (!expandedOperations.SequenceEqual(operations))
                {
                    operations = expandedOperations;
                }
            }

            var expanded = ReferenceEquals(policies, api.Policies) && ReferenceEquals(operations, api.Operations) ? api : api with { Policies = policies, Operations = operations };
            changed |= !ReferenceEquals(expanded, api);
            apis.Add(expanded);
        }

        var products = new List<ProductDefinition>(state.Products.Count);
        for (var i = 0; i < state.Products.Count; i++)
        {
            var product = state.Products[i];
            var policies = expansion.Set(product.Policies, $"products[{i}].policies");
            changed |= !ReferenceEquals(policies, product.Policies);
            products.Add(ReferenceEquals(policies, product.Policies) ? product : product with { Policies = policies });
        }

        var global = expansion.Set(state.Policies, "policies");
        changed |= !ReferenceEquals(global, state.Policies);
        if (!changed)
        {
            return state;
        }

        return new ManagementState
        {
            Revision = state.Revision,
            Apis = apis,
            Products = products,
            Subscriptions = state.Subscriptions,
            NamedValues = state.NamedValues,
            Certificates = state.Certificates,
            Policies = global,
            Fragments = state.Fragments,
            Gateways = state.Gateways,
            Versions = state.Versions,
        };
    }

    /// <summary>Every policy scope that includes <paramref name="id"/>, as "apis/echo", "products/gold", "policies", ….</summary>
    public static List<string> UsersOf(ManagementState state, string id)
    {
        var users = new List<string>();
        foreach (var api in state.Apis)
        {
            if (Includes(api.Policies, id))
            {
                users.Add($"apis/{api.Id}");
            }

            foreach (var operation in api.Operations ?? [])
            {
                if (Includes(operation.Policies, id))
                {
                    users.Add($"apis/{api.Id}/operations/{operation.Id}");
                }
            }
        }

        users.AddRange(state.Products.Where(p => Includes(p.Policies, id)).Select(p => $"products/{p.Id}"));
        if (Includes(state.Policies, id))
        {
            users.Add("policies");
        }

        return users;
    }

    /// <summary>An error path of the expanded state as the path of what was stored (fragment members named as such).</summary>
    public string Original(string path)
    {
        var matching = renames.Where(r => path.StartsWith(r.Expanded, StringComparison.Ordinal)
                && (path.Length == r.Expanded.Length || path[r.Expanded.Length] is '.' or '['))
            .OrderByDescending(r => r.Expanded.Length);
        foreach (var (expanded, original) in matching)
        {
            // Longest first: an inner rename changes only what follows its outer prefix, so the outer one still applies.
            path = original + path[expanded.Length..];
        }

        return path;
    }

    private static bool Includes(PolicySet? set, string id) =>
        set is not null && new[] { set.Inbound, set.Backend, set.Outbound, set.OnError }.Any(list => list is not null && list.Any(p => Includes(p, id)));

    private static bool Includes(PolicyDefinition? policy, string id) => policy switch
    {
        null => false,
        { Type: PolicyXmlReader.IncludeFragment } => string.Equals(FragmentIdOf(policy), id, StringComparison.OrdinalIgnoreCase),
        { Type: ChoosePolicy.Type } => Nested(policy).Any(list => list.Any(p => Includes(p, id))),
        _ => false,
    };

    private static bool HasInclude(PolicyDefinition? policy) => policy switch
    {
        null => false,
        { Type: PolicyXmlReader.IncludeFragment } => true,
        { Type: ChoosePolicy.Type } => Nested(policy).Any(list => list.Any(HasInclude)),
        _ => false,
    };

    private static IEnumerable<IReadOnlyList<PolicyDefinition?>> Nested(PolicyDefinition choose)
    {
        var attributes = choose.Attributes ?? [];
        if (attributes.TryGetValue(ChoosePolicy.When, out var when) && when.ValueKind == JsonValueKind.Array)
        {
            foreach (var branch in when.EnumerateArray())
            {
                if (branch.ValueKind == JsonValueKind.Object && branch.TryGetProperty(ChoosePolicy.Policies, out var policies) && policies.ValueKind == JsonValueKind.Array)
                {
                    yield return ChoosePolicy.Read(policies);
                }
            }
        }

        if (attributes.TryGetValue(ChoosePolicy.Otherwise, out var otherwise) && otherwise.ValueKind == JsonValueKind.Array)
        {
            yield return ChoosePolicy.Read(otherwise);
        }
    }

    private static string FragmentIdOf(PolicyDefinition include) =>
        include.Attributes?.TryGetValue(PolicyXmlReader.FragmentId, out var id) == true && id.ValueKind == JsonValueKind.String ? id.GetString()! : "";

    private PolicySet? Set(PolicySet? set, string path)
    {
        if (set is null)
        {
            return null;
        }

        var inbound = List(set.Inbound, $"{path}.inbound");
        var backend = List(set.Backend, $"{path}.backend");
        var outbound = List(set.Outbound, $"{path}.outbound");
        var onError = List(set.OnError, $"{path}.onError");
        return ReferenceEquals(inbound, set.Inbound) && ReferenceEquals(backend, set.Backend) && ReferenceEquals(outbound, set.Outbound) && ReferenceEquals(onError, set.OnError)
            ? set
            : new PolicySet { Inbound = inbound, Backend = backend, Outbound = outbound, OnError = onError };
    }

    private IReadOnlyList<PolicyDefinition>? List(IReadOnlyList<PolicyDefinition>? list, string path)
    {
        if (list is null || !list.Any(HasInclude))
        {
            return list;
        }

        var result = new List<PolicyDefinition>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var policy = list[i];
            if (policy?.Type == PolicyXmlReader.IncludeFragment)
            {
                var id = FragmentIdOf(policy);
                if (!fragments.TryGetValue(id, out var fragment))
                {
                    Missing.Add(new ConfigError($"{path}[{i}].fragmentId", $"no policy fragment with id '{id}' (PUT /policy-fragments/{id} first)"));
                    continue;
                }

                var members = fragment.Policies ?? [];
                for (var k = 0; k < members.Count; k++)
                {
                    renames.Add(($"{path}[{result.Count}]", $"{path}[{i}] (fragment '{fragment.Id}' policies[{k}])"));
                    result.Add(members[k]);
                }

                continue;
            }

            var expandedPath = $"{path}[{result.Count}]";
            if (result.Count != i)
            {
                renames.Add((expandedPath, $"{path}[{i}]"));
            }

            result.Add(policy is { Type: ChoosePolicy.Type } && HasInclude(policy) ? Choose(policy, expandedPath) : policy!);
        }

        return result;
    }

    private PolicyDefinition Choose(PolicyDefinition choose, string path)
    {
        var attributes = new Dictionary<string, JsonElement>(choose.Attributes!, StringComparer.Ordinal);
        if (attributes.TryGetValue(ChoosePolicy.When, out var when) && when.ValueKind == JsonValueKind.Array)
        {
            var branches = new List<object>();
            var index = 0;
            foreach (var branch in when.EnumerateArray())
            {
                if (branch.ValueKind != JsonValueKind.Object)
                {
                    branches.Add(branch);
                    index++;
                    continue;
                }

                var members = new List<KeyValuePair<string, object>>();
                foreach (var member in branch.EnumerateObject())
                {
                    members.Add(member.Name == ChoosePolicy.Policies && member.Value.ValueKind == JsonValueKind.Array
                        ? new(member.Name, NestedList(member.Value, $"{path}.when[{index}].policies"))
                        : new(member.Name, member.Value));
                }

                branches.Add(members);
                index++;
            }

            attributes[ChoosePolicy.When] = JsonValues.Element(branches);
        }

        if (attributes.TryGetValue(ChoosePolicy.Otherwise, out var otherwise) && otherwise.ValueKind == JsonValueKind.Array)
        {
            attributes[ChoosePolicy.Otherwise] = JsonValues.Element(NestedList(otherwise, $"{path}.otherwise"));
        }

        return new PolicyDefinition { Type = choose.Type, Attributes = attributes };
    }

    /// <summary>A nested list, expanded; left as it was (raw) when an entry is not a policy object, for the validator to report.</summary>
    private object NestedList(JsonElement list, string path)
    {
        var read = ChoosePolicy.Read(list);
        return read.Any(p => p is null) ? list : List([.. read.Select(p => p!)], path)!;
    }
}
