using EdgeGateway.Contracts.Certificates;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Diagnostics;
using ManagementPlane.State;

namespace ManagementPlane.Snapshots;

/// <summary>
/// Turns the stored state into one gateway's snapshot: its assigned APIs, the products that contain any of them
/// (filtered to them), the subscriptions in scope (key hashes only), the global policies, and exactly the named values
/// those policies reference at any scope (<see cref="NamedValueReferences.In"/>), secret ones decrypted: a gateway gets no
/// other gateway's values; and of the operations' examples only those its mock-response policies use (<see cref="ExampleSelection"/>). Called once per gateway and write (<see cref="SnapshotPublisher"/>); nothing here validates:
/// the state as a whole was validated before it was stored (<see cref="StateValidation"/>), and a gateway's snapshot is a part of it.
/// </summary>
/// <remarks>
/// No transitive closure is needed: both planes' validator refuses a named value whose value holds <c>{{</c>, and
/// substitution is one pass, so the ids the policies name are all a gateway can ever look up.
/// </remarks>
internal sealed class SnapshotCompiler(SecretProtector protector)
{
    /// <summary>Marks a certificate (not a named value) among <see cref="GatewayCompilation.UnreadableSecrets"/>.</summary>
    public const string CertificatePrefix = "certificates/";

    public GatewayCompilation Compile(ManagementState state, StoredGateway gateway, long revision)
    {
        state = FragmentExpansion.Expand(state);
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

        var snapshot = new GatewaySnapshot
        {
            SchemaVersion = SnapshotValidator.SupportedSchemaVersion,
            Revision = revision,
            GatewayId = gateway.Id,
            Apis = ExampleSelection.Apply(apis, products, state.Policies),
            Products = products,
            Subscriptions = subscriptions,
            Policies = state.Policies,
        };

        var referenced = NamedValueReferences.In(snapshot);
        var namedValues = new List<NamedValueDefinition>();
        var unreadable = new List<string>();
        foreach (var stored in state.NamedValues.Where(n => referenced.Contains(n.Id)))
        {
            var definition = Reveal(stored);
            if (definition.Value is null)
            {
                unreadable.Add(stored.Id);
            }

            namedValues.Add(definition);
        }

        // Only the certificates its authentication-certificate policies name, decrypted: a secret as a secret named value is.
        var (certificateIds, thumbprints) = CertificateReferences.In(snapshot);
        var certificates = new List<CertificateDefinition>();
        foreach (var stored in state.Certificates.Where(c => certificateIds.Contains(c.Id) || thumbprints.Contains(c.Thumbprint)))
        {
            var data = protector.Unprotect(stored.DataProtected, StoredCertificate.SecretPurpose(stored.Id));
            if (data is null)
            {
                unreadable.Add(CertificatePrefix + stored.Id);
            }

            certificates.Add(new CertificateDefinition { Id = stored.Id, Thumbprint = stored.Thumbprint, Data = data });
        }

        return new GatewayCompilation(snapshot with { NamedValues = namedValues, Certificates = certificates.Count > 0 ? certificates : null }, unreadable);
    }

    /// <summary>Everything at once (no gateway): what the state validator checks (on the state with its fragments expanded).</summary>
    public static GatewaySnapshot CompileAll(ManagementState state) => new()
    {
        SchemaVersion = SnapshotValidator.SupportedSchemaVersion,
        Apis = state.Apis,
        Products = state.Products,
        Subscriptions = state.Subscriptions.Select(ToDefinition).ToList(),
        // Secret values are encrypted here: withheld, as in a gateway's snapshot (ValidationOptions.AllowWithheldSecrets).
        NamedValues = state.NamedValues.Select(ToDefinition).ToList(),
        Certificates = Withheld(state),
        Policies = state.Policies,
    };

    /// <summary>The stored certificates without their data (withheld): what policies may name, as the state validator sees them.</summary>
    public static List<CertificateDefinition> Withheld(ManagementState state) =>
        state.Certificates.Select(c => new CertificateDefinition { Id = c.Id, Thumbprint = c.Thumbprint }).ToList();

    /// <summary>As a gateway gets it: a secret one decrypted and still marked secret (null value: it cannot be decrypted).</summary>
    private NamedValueDefinition Reveal(StoredNamedValue n) => n.Secret
        ? new NamedValueDefinition { Id = n.Id, Secret = true, Value = protector.Unprotect(n.ValueProtected, StoredNamedValue.SecretPurpose(n.Id)) }
        : new NamedValueDefinition { Id = n.Id, Value = n.Value };

    /// <summary>A secret one without its value (withheld: the state is validated without decrypting anything).</summary>
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

/// <summary>
/// One gateway's snapshot, and the secret named values its policies reference that cannot be decrypted (damaged in the
/// store, or written under another <c>Management:EncryptionKey</c>): in the snapshot without a value, so it cannot be sent.
/// </summary>
internal sealed record GatewayCompilation(GatewaySnapshot Snapshot, IReadOnlyList<string> UnreadableSecrets);
