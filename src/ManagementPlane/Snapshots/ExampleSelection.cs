using System.Text.Json;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;

namespace ManagementPlane.Snapshots;

/// <summary>
/// The operation examples a gateway's snapshot carries: for each operation, only those a mock-response policy reaching it
/// selects (<see cref="ResponseExample.Select"/>, as the gateway selects). A policy reaches the operations of its scope:
/// operation → that one, API → the API's, product → those of the product's APIs, global → all; inside choose too.
/// Examples stay the management plane's data otherwise: a gateway without mock-response gets none.
/// </summary>
internal static class ExampleSelection
{
    public static List<ApiDefinition> Apply(IEnumerable<ApiDefinition> apis, IReadOnlyList<ProductDefinition> products, PolicySet? global)
    {
        var globalMocks = Mocks(global);
        var result = new List<ApiDefinition>();
        foreach (var api in apis)
        {
            if (api.Operations is not { Count: > 0 } operations || !operations.Any(o => o?.Examples is { Count: > 0 }))
            {
                result.Add(api);
                continue;
            }

            var outer = globalMocks
                .Concat(products.Where(p => (p.Apis ?? []).Contains(api.Id!, StringComparer.OrdinalIgnoreCase)).SelectMany(p => Mocks(p.Policies)))
                .Concat(Mocks(api.Policies))
                .ToList();
            result.Add(api with { Operations = [.. operations.Select(o => o is null ? o! : Filter(o, outer))] });
        }

        return result;
    }

    private static OperationDefinition Filter(OperationDefinition operation, List<(int Status, string? ContentType)> outer)
    {
        if (operation.Examples is not { Count: > 0 } examples)
        {
            return operation;
        }

        var kept = outer.Concat(Mocks(operation.Policies))
            .Select(m => ResponseExample.Select(examples, m.Status, m.ContentType))
            .OfType<ResponseExample>()
            .Distinct()
            .ToList();
        return operation with { Examples = kept.Count > 0 ? [.. examples.Where(kept.Contains)] : null };
    }

    /// <summary>The (status code, content type) of every mock-response in a policy set, nested ones included.</summary>
    private static List<(int Status, string? ContentType)> Mocks(PolicySet? set)
    {
        var mocks = new List<(int, string?)>();
        foreach (var section in (ReadOnlySpan<IReadOnlyList<PolicyDefinition>?>)[set?.Inbound, set?.Backend, set?.Outbound, set?.OnError])
        {
            foreach (var policy in section ?? [])
            {
                if (policy is null)
                {
                    continue;
                }

                foreach (var candidate in ChoosePolicy.Nested(policy).Prepend(policy))
                {
                    if (candidate.Type == "mock-response")
                    {
                        mocks.Add((Int(candidate, "statusCode") ?? StatusCodes.Status200OK, Text(candidate, "contentType")));
                    }
                }
            }
        }

        return mocks;
    }

    private static int? Int(PolicyDefinition policy, string name) =>
        policy.Attributes?.TryGetValue(name, out var value) == true && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;

    private static string? Text(PolicyDefinition policy, string name) =>
        policy.Attributes?.TryGetValue(name, out var value) == true && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
