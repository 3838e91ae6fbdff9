namespace EdgeGateway.Contracts.Snapshot;

public sealed record ProductDefinition
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public IReadOnlyList<string>? Apis { get; init; }

    public bool? SubscriptionRequired { get; init; }

    /// <summary>APIM's name: subscriptions a consumer asks for in the developer portal wait (<c>submitted</c>) until an admin approves them. Default false.</summary>
    public bool? ApprovalRequired { get; init; }

    /// <summary>published (default) or notPublished: see <see cref="ProductStates"/>.</summary>
    public string? State { get; init; }

    public PolicySet? Policies { get; init; }
}

public sealed record SubscriptionDefinition
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary>"products/{id}", "apis/{id}" or "apis" (all APIs); a leading "/" is accepted. Parsed by <see cref="SubscriptionScope"/>.</summary>
    public string? Scope { get; init; }

    /// <summary>Plain key: accepted only in hand-written standalone files.</summary>
    public string? PrimaryKey { get; init; }

    public string? SecondaryKey { get; init; }

    /// <summary>Base64 SHA-256 of the UTF-8 key, as the management plane ships it.</summary>
    public string? PrimaryKeyHash { get; init; }

    public string? SecondaryKeyHash { get; init; }

    /// <summary>active, suspended, cancelled, expired, submitted or rejected (<see cref="SubscriptionStates"/>); only active keys are accepted.</summary>
    public string? State { get; init; }
}

public sealed record NamedValueDefinition
{
    public string? Id { get; init; }

    public string? Value { get; init; }

    public bool Secret { get; init; }
}
