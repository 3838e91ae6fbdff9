using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>subscriptions</c>: ids, a known state, a scope naming an existing API or product, and at least one key
/// (plain only where the options allow it), no key shared with another subscription.
/// </summary>
internal static class SubscriptionRules
{
    public static void Validate(IReadOnlyList<SubscriptionDefinition> subscriptions, ValidationContext context)
    {
        var ids = ValidationContext.NewIdSet();
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < subscriptions.Count; i++)
        {
            var path = $"subscriptions[{i}]";
            var sub = subscriptions[i];
            if (sub is null)
            {
                context.Error(path, "must be an object");
                continue;
            }

            context.Id(path, sub.Id, ids, "subscription");
            context.OneOf($"{path}.state", sub.State, SubscriptionStates.All);
            Scope($"{path}.scope", sub.Scope, context);
            var primary = Key(path, "primaryKey", sub.PrimaryKey, sub.PrimaryKeyHash, keys, context);
            var secondary = Key(path, "secondaryKey", sub.SecondaryKey, sub.SecondaryKeyHash, keys, context);
            if (!primary && !secondary)
            {
                context.Error(path, context.Options.AllowPlainKeys ? "needs primaryKey (or primaryKeyHash)" : "needs primaryKeyHash");
            }
        }
    }

    private static void Scope(string path, string? text, ValidationContext context)
    {
        if (text is null)
        {
            context.Error(path, $"required: {SubscriptionScope.Forms} for all APIs");
        }
        else if (!SubscriptionScope.TryParse(text, out var scope))
        {
            context.Error(path, $"'{text}' is not {SubscriptionScope.Forms}");
        }
        else if (scope.Kind == SubscriptionScopeKind.Api && !context.ApiIds.Contains(scope.Id!))
        {
            context.Error(path, $"no API with id '{scope.Id}'");
        }
        else if (scope.Kind == SubscriptionScopeKind.Product && !context.ProductIds.Contains(scope.Id!))
        {
            context.Error(path, $"no product with id '{scope.Id}'");
        }
    }

    /// <summary>Checks one key slot; false when it is empty. <paramref name="seen"/> maps each key's hash to where it was first given.</summary>
    private static bool Key(string path, string name, string? plain, string? hash, Dictionary<string, string> seen, ValidationContext context)
    {
        if (plain is null && hash is null)
        {
            return false;
        }

        if (plain is not null && hash is not null)
        {
            context.Error($"{path}.{name}", $"give either {name} or {name}Hash, not both");
            return true;
        }

        string hashed;
        if (plain is not null)
        {
            if (!context.Options.AllowPlainKeys)
            {
                context.Error($"{path}.{name}", "plain keys are not accepted here; ship only the hash");
                return true;
            }

            if (plain.Length == 0 || plain.Any(char.IsControl) || plain.Trim().Length != plain.Length)
            {
                context.Error($"{path}.{name}", "must be non-empty, without control characters or surrounding spaces");
                return true;
            }

            hashed = SubscriptionKeyHash.Compute(plain);
        }
        else
        {
            if (!SubscriptionKeyHash.TryDecode(hash, out _))
            {
                context.Error($"{path}.{name}Hash", "must be the base64 SHA-256 of the key (32 bytes)");
                return true;
            }

            hashed = hash!;
        }

        // Never echo the key itself: report where the other copy is.
        if (!seen.TryAdd(hashed, $"{path}.{name}"))
        {
            context.Error($"{path}.{name}", $"the same key is already used by {seen[hashed]}");
        }

        return true;
    }
}
