using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Diagnostics;
using ManagementPlane.State;

namespace ManagementPlane.Snapshots;

/// <summary>
/// Turns the stored state into one gateway's snapshot: its assigned APIs, the products that contain any of them
/// (filtered to them), the subscriptions in scope (key hashes only), named values (secret ones without their value)
/// and the global policies. Called once per gateway and write (<see cref="SnapshotPublisher"/>); nothing here validates:
/// the state as a whole was validated before it was stored (<see cref="StateValidation"/>), and a gateway's snapshot is a part of it.
/// </summary>
internal sealed class SnapshotCompiler
{
    public GatewaySnapshot Compile(ManagementState state, StoredGateway gateway, long revision)
    {
        ManagementTelemetry.SnapshotsCompiled.Add(1, new KeyValuePair<string, object?>("gateway", gateway.Id));
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

        return new GatewaySnapshot
        {
            SchemaVersion = SnapshotValidator.SupportedSchemaVersion,
            Revision = revision,
            GatewayId = gateway.Id,
            Apis = apis,
            Products = products,
            Subscriptions = subscriptions,
            NamedValues = state.NamedValues.Select(ToDefinition).ToList(),
            Policies = state.Policies,
        };
    }

    /// <summary>Everything at once (no gateway): what the state validator checks.</summary>
    public static GatewaySnapshot CompileAll(ManagementState state) => new()
    {
        SchemaVersion = SnapshotValidator.SupportedSchemaVersion,
        Apis = state.Apis,
        Products = state.Products,
        Subscriptions = state.Subscriptions.Select(ToDefinition).ToList(),
        // Secret values are encrypted here: withheld, as in a gateway's snapshot (ValidationOptions.AllowWithheldSecrets).
        NamedValues = state.NamedValues.Select(ToDefinition).ToList(),
        Policies = state.Policies,
    };

    /// <summary>A secret one without its value (withheld: it is encrypted in the state and not sent yet).</summary>
    private static NamedValueDefinition ToDefinition(StoredNamedValue n) => n.Secret
        ? new NamedValueDefinition { Id = n.Id, Secret = true }
        : new NamedValueDefinition { Id = n.Id, Value = n.Value };

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
