namespace EdgeGateway.Contracts.Snapshot;

/// <summary>
/// One gateway's whole configuration: the document a gateway serves from, whether it came from
/// the management plane (signed, key hashes only) or from a hand-written standalone file.
/// </summary>
public sealed record GatewaySnapshot
{
    public int SchemaVersion { get; init; }

    /// <summary>Monotonically increasing; assigned by the management plane, optional in a hand-written file.</summary>
    public long Revision { get; init; }

    /// <summary>The gateway this snapshot was compiled for; a gateway refuses a snapshot for another id.</summary>
    public string? GatewayId { get; init; }

    public IReadOnlyList<ApiDefinition>? Apis { get; init; }

    public IReadOnlyList<ProductDefinition>? Products { get; init; }

    public IReadOnlyList<SubscriptionDefinition>? Subscriptions { get; init; }

    public IReadOnlyList<NamedValueDefinition>? NamedValues { get; init; }

    /// <summary>Client certificates (with keys) that authentication-certificate policies present to backends.</summary>
    public IReadOnlyList<CertificateDefinition>? Certificates { get; init; }

    /// <summary>Global-scope policies (APIM's "All APIs" scope).</summary>
    public PolicySet? Policies { get; init; }
}
