using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// One policy of a known type, allowed in its section, as an <see cref="IPolicyRule"/> sees it: its path (like
/// <c>apis[0].policies.inbound[1]</c>), its catalog shape, its scope and section, and its siblings in that section
/// (itself at <c>Index</c>; other entries may be null).
/// </summary>
internal sealed record PolicyItem(
    string Path,
    PolicyDefinition Policy,
    PolicyShape Shape,
    PolicyScope Scope,
    Sections Section,
    IReadOnlyList<PolicyDefinition> Siblings,
    int Index);
