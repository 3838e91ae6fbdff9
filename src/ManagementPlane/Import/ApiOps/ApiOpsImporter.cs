using System.Text.Json;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Config;
using ManagementPlane.Hosting;
using ManagementPlane.Resources;
using ManagementPlane.State;

namespace ManagementPlane.Import.ApiOps;

/// <summary>
/// Applies a plan in one store update through <see cref="ConfigApplier"/>, as <c>PUT /config</c> does, so it is all or
/// nothing. The folder's artifacts are added or replace those with the same id; everything else the plane holds
/// (other APIs, subscriptions and their keys, certificates, stored secrets) is kept. The global policy is replaced
/// when the folder has one. A dry run, a refused artifact or an invalid result runs the same steps and stores nothing.
/// </summary>
internal sealed class ApiOpsImporter(StateStore store, ConfigApplier applier)
{
    public async Task<(MigrationReport? Report, StateError? Error)> ImportAsync(ApiOpsPlan plan, bool dryRun, CancellationToken cancellationToken)
    {
        var errors = new List<ConfigError>();
        MigrationChanges? changes = null;
        var abort = StateError.Invalid("not applied");
        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            errors.Clear();
            var fragments = FragmentChanges(state, plan, mutation);
            state.Fragments = Merge(state.Fragments, plan.Fragments, f => f.Id);

            var current = ConfigApplier.Export(state);
            var document = current with
            {
                Apis = Merge(current.Apis, plan.Apis, a => a.Id),
                Products = Merge(current.Products, plan.Products, p => p.Id),
                NamedValues = Merge(current.NamedValues, plan.NamedValues, n => n.Id),
                Gateways = Merge(current.Gateways, plan.Gateways, g => g.Id),
                Policies = plan.GlobalPolicies ?? current.Policies,
            };
            var (problems, result) = applier.Apply(state, mutation, document);
            errors.AddRange(problems);
            changes = result is null ? null : new MigrationChanges(result.Apis, result.Products, result.NamedValues, fragments, result.Gateways, result.PoliciesChanged);
            if (problems.Count == 0)
            {
                // What the store checks after this: fragments expanded where they are included.
                errors.AddRange(StateValidation.Validate(state));
            }

            return dryRun || plan.AnyRefused || errors.Count > 0 ? abort : null;
        }, cancellationToken);

        if (outcome.Error is not null && !ReferenceEquals(outcome.Error, abort))
        {
            return (null, outcome.Error);
        }

        var applied = outcome.Error is null;
        return (new MigrationReport(dryRun, applied, applied ? outcome.State.Revision : null, MigrationReport.Summarize(plan.Entries), plan.Entries, errors)
        {
            Changes = errors.Count == 0 ? changes : null,
        }, null);
    }

    /// <summary>Which of the folder's fragments are new or differ from the stored ones (only those get a new ETag).</summary>
    private static ChangeSet FragmentChanges(ManagementState state, ApiOpsPlan plan, Mutation mutation)
    {
        var (added, updated) = (new List<string>(), new List<string>());
        foreach (var fragment in plan.Fragments)
        {
            var stored = state.Fragments.Find(f => Crud.SameId(f.Id, fragment.Id));
            if (stored is not null && JsonSerializer.Serialize(stored with { Id = fragment.Id }, ApiJsonContext.Api.PolicyFragment) == JsonSerializer.Serialize(fragment, ApiJsonContext.Api.PolicyFragment))
            {
                continue;
            }

            (stored is null ? added : updated).Add(fragment.Id!);
            mutation.Touch(Crud.Key("policy-fragments", fragment.Id!));
        }

        return new ChangeSet(added, updated, []);
    }

    /// <summary>The imported items replace those with the same id (ignoring case) in place; new ones are appended.</summary>
    private static List<T> Merge<T>(IReadOnlyList<T>? current, IReadOnlyList<T> imported, Func<T, string?> id)
    {
        var byId = imported.Where(i => id(i) is not null).GroupBy(i => id(i)!, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last(), StringComparer.OrdinalIgnoreCase);
        var merged = new List<T>();
        foreach (var item in current ?? [])
        {
            merged.Add(id(item) is { } key && byId.Remove(key, out var replacement) ? replacement : item);
        }

        merged.AddRange(imported.Where(i => id(i) is { } key && byId.Remove(key)));
        return merged;
    }
}
