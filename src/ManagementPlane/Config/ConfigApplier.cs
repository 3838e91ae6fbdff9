using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.Resources;
using ManagementPlane.Snapshots;
using ManagementPlane.State;

namespace ManagementPlane.Config;

/// <summary>Makes the stored state equal to a config document (inside one head-record write) and exports it back.</summary>
internal sealed class ConfigApplier(SecretProtector protector)
{
    /// <summary>Validates and applies; returns the problems (nothing changed) or the change list.</summary>
    public (List<ConfigError> Errors, ConfigApplyResult? Result) Apply(ManagementState state, Mutation mutation, ConfigDocument document)
    {
        var errors = new List<ConfigError>();
        var subscriptions = document.Subscriptions ?? [];
        var namedValues = document.NamedValues ?? [];

        // What the validator sees: stored keys stand in for omitted ones; a kept secret value is withheld, as in the state.
        var checkedSubscriptions = subscriptions.Select(s => s is not null && s.PrimaryKey is null && s.PrimaryKeyHash is null && s.SecondaryKey is null && s.SecondaryKeyHash is null
            ? s with { PrimaryKeyHash = Existing(state, s.Id)?.PrimaryKeyHash ?? SubscriptionKeyHash.Compute(SecretProtector.NewKey()), SecondaryKeyHash = Existing(state, s.Id)?.SecondaryKeyHash }
            : s!).ToList();
        for (var i = 0; i < namedValues.Count; i++)
        {
            var nv = namedValues[i];
            if (nv is { Secret: true, Value: null })
            {
                if (state.NamedValues.Find(n => Crud.SameId(n.Id, nv.Id)) is not { Secret: true })
                {
                    errors.Add(new ConfigError($"namedValues[{i}].value", "required for a new secret named value (stored secrets are kept when the value is omitted)"));
                }
            }
        }

        // Includes of the plane's fragments are expanded before validation, as the store's own validation does.
        var expansion = (FragmentExpansion?)null;
        var expanded = (document.Apis ?? []).Any(a => a is null) || (document.Products ?? []).Any(p => p is null)
            ? null
            : FragmentExpansion.Expand(new ManagementState { Apis = [.. document.Apis ?? []], Products = [.. document.Products ?? []], Policies = document.Policies, Fragments = state.Fragments }, out expansion);
        var snapshot = new GatewaySnapshot
        {
            SchemaVersion = document.SchemaVersion,
            Apis = expanded is null ? document.Apis : document.Apis is null ? null : expanded.Apis,
            Products = expanded is null ? document.Products : document.Products is null ? null : expanded.Products,
            Subscriptions = checkedSubscriptions,
            NamedValues = namedValues,
            Certificates = ManagementPlane.Snapshots.SnapshotCompiler.Withheld(state), // the plane's own: kept, not in the document
            Policies = expanded is null ? document.Policies : expanded.Policies,
        };
        var report = SnapshotValidator.Validate(snapshot, new ValidationOptions { AllowPlainKeys = true, AllowWithheldSecrets = true });
        errors.AddRange(expansion?.Missing ?? []);
        errors.AddRange(report.Errors.Select(e => expansion is null ? e : e with { Path = expansion.Original(e.Path) }));
        CheckGateways(document, errors);
        if (errors.Count > 0)
        {
            return (errors, null);
        }

        var apis = Diff(state.Apis, document.Apis ?? [], a => a.Id!, ApiJsonContext.Api.ApiDefinition, "apis", mutation);
        state.Apis = (document.Apis ?? []).ToList();
        var products = Diff(state.Products, document.Products ?? [], p => p.Id!, ApiJsonContext.Api.ProductDefinition, "products", mutation);
        state.Products = (document.Products ?? []).ToList();

        var newSubscriptions = subscriptions.Select(s => ToStored(state, s)).ToList();
        var subscriptionChanges = Diff(state.Subscriptions, newSubscriptions, s => s.Id, StateJsonContext.Default.StoredSubscription, "subscriptions", mutation, Comparable);
        state.Subscriptions = newSubscriptions;

        var newValues = namedValues.Select(n => ToStored(state, n)).ToList();
        var valueChanges = Diff(state.NamedValues, newValues, n => n.Id, StateJsonContext.Default.StoredNamedValue, "named-values", mutation, Comparable);
        state.NamedValues = newValues;

        var newGateways = (document.Gateways ?? []).Select(g => ToStored(state, g)).ToList();
        var gatewayChanges = Diff(state.Gateways, newGateways, g => g.Id, StateJsonContext.Default.StoredGateway, "gateways", mutation,
            g => new StoredGateway { Id = g.Id, Name = g.Name, Description = g.Description, Apis = g.Apis });
        state.Gateways = newGateways;

        var policiesChanged = !JsonEquals(state.Policies, document.Policies, ApiJsonContext.Api.PolicySet);
        state.Policies = document.Policies;
        if (policiesChanged)
        {
            mutation.Touch("policies");
        }

        return ([], new ConfigApplyResult(mutation.NewRevision, apis, products, subscriptionChanges, valueChanges, gatewayChanges, policiesChanged));
    }

    /// <summary>The stored state as a config document; subscription keys and secret values left out.</summary>
    public static ConfigDocument Export(ManagementState state) => new()
    {
        SchemaVersion = SnapshotValidator.SupportedSchemaVersion,
        Apis = state.Apis,
        Products = state.Products,
        Subscriptions = state.Subscriptions.Select(s => new SubscriptionDefinition { Id = s.Id, Name = s.Name, Scope = s.Scope, State = s.State }).ToList(),
        NamedValues = state.NamedValues.Select(n => n.Secret ? new NamedValueDefinition { Id = n.Id, Secret = true } : new NamedValueDefinition { Id = n.Id, Value = n.Value }).ToList(),
        Policies = state.Policies,
        Gateways = state.Gateways.Select(g => new ConfigGateway { Id = g.Id, Name = g.Name, Description = g.Description, Apis = g.Apis }).ToList(),
    };

    private static StoredSubscription? Existing(ManagementState state, string? id) => state.Subscriptions.Find(s => Crud.SameId(s.Id, id));

    private StoredSubscription ToStored(ManagementState state, SubscriptionDefinition s)
    {
        var existing = Existing(state, s.Id);
        var stored = new StoredSubscription { Id = s.Id!, Name = s.Name, Scope = s.Scope!, State = s.State ?? SubscriptionStates.Default };
        if (s.PrimaryKey is null && s.PrimaryKeyHash is null && s.SecondaryKey is null && s.SecondaryKeyHash is null)
        {
            if (existing is not null)
            {
                (stored.PrimaryKeyProtected, stored.PrimaryKeyHash, stored.SecondaryKeyProtected, stored.SecondaryKeyHash) =
                    (existing.PrimaryKeyProtected, existing.PrimaryKeyHash, existing.SecondaryKeyProtected, existing.SecondaryKeyHash);
            }
            else
            {
                SubscriptionEndpoints.SetKey(stored, protector, primary: true, SecretProtector.NewKey());
                SubscriptionEndpoints.SetKey(stored, protector, primary: false, SecretProtector.NewKey());
            }

            return stored;
        }

        SetFromDocument(stored, existing, primary: true, s.PrimaryKey, s.PrimaryKeyHash);
        SetFromDocument(stored, existing, primary: false, s.SecondaryKey, s.SecondaryKeyHash);
        return stored;
    }

    private void SetFromDocument(StoredSubscription stored, StoredSubscription? existing, bool primary, string? plain, string? hash)
    {
        if (plain is not null)
        {
            // Same key as stored: keep the ciphertext, so a re-apply is not a change.
            var existingHash = primary ? existing?.PrimaryKeyHash : existing?.SecondaryKeyHash;
            if (existingHash == SubscriptionKeyHash.Compute(plain) && existing is not null)
            {
                var kept = primary ? existing.PrimaryKeyProtected : existing.SecondaryKeyProtected;
                if (primary)
                {
                    (stored.PrimaryKeyProtected, stored.PrimaryKeyHash) = (kept, existingHash);
                }
                else
                {
                    (stored.SecondaryKeyProtected, stored.SecondaryKeyHash) = (kept, existingHash);
                }

                return;
            }

            SubscriptionEndpoints.SetKey(stored, protector, primary, plain);
        }
        else if (primary)
        {
            stored.PrimaryKeyHash = hash;
        }
        else
        {
            stored.SecondaryKeyHash = hash;
        }
    }

    private StoredNamedValue ToStored(ManagementState state, NamedValueDefinition n)
    {
        var existing = state.NamedValues.Find(x => Crud.SameId(x.Id, n.Id));
        if (!n.Secret)
        {
            return new StoredNamedValue { Id = n.Id!, Value = n.Value };
        }

        if (n.Value is null)
        {
            return new StoredNamedValue { Id = n.Id!, Secret = true, ValueProtected = existing!.ValueProtected };
        }

        var same = existing is { Secret: true } && protector.Unprotect(existing.ValueProtected, StoredNamedValue.SecretPurpose(existing.Id)) == n.Value;
        return new StoredNamedValue { Id = n.Id!, Secret = true, ValueProtected = same ? existing!.ValueProtected : protector.Protect(n.Value, StoredNamedValue.SecretPurpose(n.Id!)) };
    }

    private StoredGateway ToStored(ManagementState state, ConfigGateway g)
    {
        var gateway = GatewayEndpoints.Find(state, g.Id!) is { } existing
            ? new StoredGateway
            {
                Id = existing.Id,
                PrimaryKeyProtected = existing.PrimaryKeyProtected,
                SecondaryKeyProtected = existing.SecondaryKeyProtected,
                SnapshotRevision = existing.SnapshotRevision,
                SnapshotHash = existing.SnapshotHash,
            }
            : GatewayEndpoints.NewGateway(g.Id!, protector);
        gateway.Name = g.Name;
        gateway.Description = g.Description;
        gateway.Apis = (g.Apis ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return gateway;
    }

    private static void CheckGateways(ConfigDocument document, List<ConfigError> errors)
    {
        var apiIds = (document.Apis ?? []).Where(a => a?.Id is not null).Select(a => a.Id!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var gateways = document.Gateways ?? [];
        for (var i = 0; i < gateways.Count; i++)
        {
            var gateway = gateways[i];
            if (gateway is null)
            {
                errors.Add(new ConfigError($"gateways[{i}]", "must be an object"));
                continue;
            }

            if (!SnapshotValidator.IsValidId(gateway.Id))
            {
                errors.Add(new ConfigError($"gateways[{i}].id", gateway.Id is null ? "required" : "not a valid id (letters, digits, '-', '_', '.', up to 80 characters)"));
            }
            else if (!ids.Add(gateway.Id!))
            {
                errors.Add(new ConfigError($"gateways[{i}].id", $"duplicate gateway id '{gateway.Id}'"));
            }

            var apis = gateway.Apis ?? [];
            for (var j = 0; j < apis.Count; j++)
            {
                if (apis[j] is null || !apiIds.Contains(apis[j]))
                {
                    errors.Add(new ConfigError($"gateways[{i}].apis[{j}]", $"no API with id '{apis[j]}'"));
                }
            }
        }
    }

    private static StoredSubscription Comparable(StoredSubscription s) =>
        new() { Id = s.Id, Name = s.Name, Scope = s.Scope, State = s.State, PrimaryKeyHash = s.PrimaryKeyHash, SecondaryKeyHash = s.SecondaryKeyHash };

    private static StoredNamedValue Comparable(StoredNamedValue n) =>
        new() { Id = n.Id, Secret = n.Secret, Value = n.Value, ValueProtected = n.ValueProtected };

    private static ChangeSet Diff<T>(IReadOnlyList<T> before, IReadOnlyList<T> after, Func<T, string> id, JsonTypeInfo<T> type, string collection, Mutation mutation, Func<T, T>? comparable = null)
    {
        comparable ??= static x => x;
        var old = before.ToDictionary(x => id(x).ToLowerInvariant(), x => x);
        var added = new List<string>();
        var updated = new List<string>();
        foreach (var item in after)
        {
            var key = id(item).ToLowerInvariant();
            if (!old.Remove(key, out var previous))
            {
                added.Add(id(item));
                mutation.Touch(Crud.Key(collection, key));
            }
            else if (!JsonEquals(comparable(previous), comparable(item), type))
            {
                updated.Add(id(item));
                mutation.Touch(Crud.Key(collection, key));
            }
        }

        foreach (var removed in old.Values)
        {
            mutation.Forget(Crud.Key(collection, id(removed)));
        }

        return new ChangeSet(added, updated, old.Values.Select(id).ToList());
    }

    private static bool JsonEquals<T>(T? a, T? b, JsonTypeInfo<T> type) =>
        JsonSerializer.Serialize(a!, type) == JsonSerializer.Serialize(b!, type);
}
