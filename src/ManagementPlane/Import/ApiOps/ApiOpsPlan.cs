using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Config;
using ManagementPlane.State;

namespace ManagementPlane.Import.ApiOps;

/// <summary>What an APIOps folder becomes: the artifacts in EdgeGateway's terms, and the report of each one.</summary>
internal sealed class ApiOpsPlan
{
    public List<ApiDefinition> Apis { get; } = [];

    public List<ProductDefinition> Products { get; } = [];

    public List<NamedValueDefinition> NamedValues { get; } = [];

    public List<PolicyFragment> Fragments { get; } = [];

    public List<ConfigGateway> Gateways { get; } = [];

    /// <summary>The global (all APIs) policies, when the folder has a root <c>policy.xml</c>.</summary>
    public PolicySet? GlobalPolicies { get; set; }

    public List<MigrationEntry> Entries { get; } = [];

    public bool AnyRefused => Entries.Exists(e => e.Outcome == MigrationOutcomes.Refused);
}
