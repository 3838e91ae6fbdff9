using EdgeGateway.Contracts.Snapshot;

namespace ManagementPlane.State;

/// <summary>
/// A policy fragment (APIM's): policies without sections, inserted where <c>include-fragment</c> names it, in the
/// section it stands in. As APIM: no <c>base</c> and no <c>include-fragment</c> inside one.
/// </summary>
internal sealed record PolicyFragment
{
    public string? Id { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<PolicyDefinition>? Policies { get; init; }
}
