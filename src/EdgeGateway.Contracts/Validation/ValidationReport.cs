namespace EdgeGateway.Contracts.Validation;

public sealed record ValidationReport(IReadOnlyList<ConfigError> Errors, IReadOnlyList<UnenforcedPolicy> Unenforced)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>Valid and every policy in it is enforced by this build: a gateway will serve it.</summary>
    public bool IsServable => Errors.Count == 0 && Unenforced.Count == 0;

    /// <summary>Every reason a gateway refuses the document, one per line.</summary>
    public IEnumerable<string> Problems => Errors.Select(e => e.ToString()).Concat(Unenforced.Select(u => u.ToString()));
}

public sealed record ValidationOptions
{
    /// <summary>Hand-written standalone files may carry plain subscription keys; management-plane snapshots never do.</summary>
    public bool AllowPlainKeys { get; init; } = true;

    /// <summary>When set, a snapshot that names a gateway must name this one.</summary>
    public string? ExpectedGatewayId { get; init; }

    /// <summary>With <see cref="ExpectedGatewayId"/>: the snapshot must name its gateway (management-plane snapshots always do).</summary>
    public bool RequireGatewayId { get; init; }

    /// <summary>Named values marked secret may come without a value (withheld by the management plane).</summary>
    public bool AllowWithheldSecrets { get; init; } = true;
}
