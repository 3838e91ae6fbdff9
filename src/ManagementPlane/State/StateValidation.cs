using EdgeGateway.Contracts.Validation;
using ManagementPlane.Snapshots;

namespace ManagementPlane.State;

/// <summary>
/// The one invariant of the stored state: everything in it, as one snapshot, passes the gateway's own validator
/// and every policy is enforced; and gateways reference only existing APIs.
/// </summary>
internal static class StateValidation
{
    /// <summary>Secret values are encrypted in the state: withheld, as in every snapshot the plane sends.</summary>
    private static readonly ValidationOptions Options = new() { AllowWithheldSecrets = true };

    public static List<ConfigError> Validate(ManagementState state)
    {
        var expanded = FragmentExpansion.Expand(state, out var expansion);
        var report = SnapshotValidator.Validate(SnapshotCompiler.CompileAll(expanded), Options);
        var errors = expansion.Missing;
        errors.AddRange(report.Errors.Select(e => e with { Path = expansion.Original(e.Path) }));
        var apiIds = state.Apis.Select(a => a.Id!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < state.Gateways.Count; i++)
        {
            var gateway = state.Gateways[i];
            for (var j = 0; j < gateway.Apis.Count; j++)
            {
                if (!apiIds.Contains(gateway.Apis[j]))
                {
                    errors.Add(new ConfigError($"gateways[{i}].apis[{j}]", $"no API with id '{gateway.Apis[j]}'"));
                }
            }
        }

        return errors;
    }
}
