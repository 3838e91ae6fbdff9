using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.State;

namespace ManagementPlane.Snapshots;

/// <summary>
/// Turns the stored state into one gateway's snapshot: its assigned APIs, the products that contain any of them
/// (filtered to them), the subscriptions in scope (key hashes only), named values (secret ones without their value)
/// and the global policies.
/// </summary>
internal sealed class SnapshotCompiler
{
    public GatewaySnapshot Compile(ManagementState state, StoredGateway gateway, long revision)
    {
        var assigned = gateway.Apis.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var apis = state.Apis.Where(a => assigned.Contains(a.Id!)).ToList();
        var products = new List<ProductDefinition>();
        foreach (var product in state.Products)
        {
            var filtered = (product.Apis ?? []).Where(assigned.Contains).ToList();
            if (filtered.Count > 0)
            {
                products.Add(product with { Apis = filtered });
            }
        }

        var productIds = products.Select(p => p.Id!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var subscriptions = state.Subscriptions
            .Where(s => InScope(s.Scope, assigned, productIds))
            .Select(ToDefinition)
            .ToList();

        var snapshot = new GatewaySnapshot
        {
            SchemaVersion = SnapshotValidator.SupportedSchemaVersion,
            Revision = revision,
            GatewayId = gateway.Id,
            Apis = apis,
            Products = products,
            Subscriptions = subscriptions,
            NamedValues = state.NamedValues.Select(n => n.Secret
                ? new NamedValueDefinition { Id = n.Id, Secret = true }
                : new NamedValueDefinition { Id = n.Id, Value = n.Value }).ToList(),
            Policies = state.Policies,
        };

        // Until the gateway's validator accepts a secret named value without its value, leave secret ones out.
        if (state.NamedValues.Any(n => n.Secret) && !SnapshotValidator.Validate(snapshot).IsValid)
        {
            snapshot = snapshot with { NamedValues = snapshot.NamedValues!.Where(n => !n.Secret).ToList() };
        }

        return snapshot;
    }

    /// <summary>Everything at once (no gateway): what the state validator checks.</summary>
    public static GatewaySnapshot CompileAll(ManagementState state) => new()
    {
        SchemaVersion = SnapshotValidator.SupportedSchemaVersion,
        Apis = state.Apis,
        Products = state.Products,
        Subscriptions = state.Subscriptions.Select(ToDefinition).ToList(),
        // Secret values are encrypted here; a placeholder keeps the validator's "value required" rule meaningful.
        NamedValues = state.NamedValues.Select(n => new NamedValueDefinition { Id = n.Id, Secret = n.Secret, Value = n.Secret ? "" : n.Value }).ToList(),
        Policies = state.Policies,
    };

    public static SubscriptionDefinition ToDefinition(StoredSubscription s) => new()
    {
        Id = s.Id,
        Name = s.Name,
        Scope = s.Scope,
        State = s.State,
        PrimaryKeyHash = s.PrimaryKeyHash,
        SecondaryKeyHash = s.SecondaryKeyHash,
    };

    private static bool InScope(string scope, HashSet<string> apis, HashSet<string> products) =>
        SubscriptionScope.TryParse(scope, out var parsed) && parsed.Reaches(apis, products);
}
