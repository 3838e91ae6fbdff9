namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// What validation found. Every policy type of the catalog is enforced, so a valid document is one a gateway serves: there
/// is no "valid but not enforceable" middle ground any more (there was until issue 11).
/// </summary>
public sealed record ValidationReport(IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>Every reason a gateway refuses the document, one per line.</summary>
    public IEnumerable<string> Problems => Errors.Select(e => e.ToString());
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
