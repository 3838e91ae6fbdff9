using EdgeGateway.Contracts.Snapshot;

namespace ManagementPlane.Config;

/// <summary>
/// The declarative document of <c>PUT /config</c> and <c>GET /config</c>: the snapshot format without
/// <c>revision</c>/<c>gatewayId</c>, plus the gateways and their API assignments.
/// </summary>
internal sealed record ConfigDocument
{
    public int SchemaVersion { get; init; }

    public IReadOnlyList<ApiDefinition>? Apis { get; init; }

    public IReadOnlyList<ProductDefinition>? Products { get; init; }

    /// <summary>Keys may be plain or hashed; a subscription without any keeps its stored keys (or gets new ones).</summary>
    public IReadOnlyList<SubscriptionDefinition>? Subscriptions { get; init; }

    /// <summary>A secret named value without a value keeps its stored value.</summary>
    public IReadOnlyList<NamedValueDefinition>? NamedValues { get; init; }

    public PolicySet? Policies { get; init; }

    public IReadOnlyList<ConfigGateway>? Gateways { get; init; }
}

internal sealed record ConfigGateway
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string>? Apis { get; init; }
}

/// <summary>What an apply changed, per kind.</summary>
internal sealed record ConfigApplyResult(
    long Revision,
    ChangeSet Apis,
    ChangeSet Products,
    ChangeSet Subscriptions,
    ChangeSet NamedValues,
    ChangeSet Gateways,
    bool PoliciesChanged);

internal sealed record ChangeSet(IReadOnlyList<string> Added, IReadOnlyList<string> Updated, IReadOnlyList<string> Removed);
