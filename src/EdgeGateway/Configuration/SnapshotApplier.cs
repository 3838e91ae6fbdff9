using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Policies;
using EdgeGateway.Routing;
using EdgeGateway.Trust;

namespace EdgeGateway.Configuration;

/// <summary>
/// The one way a new config reaches the request path, from a file or from the management plane: verify (signature, trust key,
/// validation), guard against a rollback (hybrid mode), compile the runtime and swap it into <see cref="ConfigState"/>, whose
/// <see cref="ConfigState.Applied"/> hands it to the backup writer. A refusal is recorded there too; the last good config keeps serving.
/// </summary>
internal sealed class SnapshotApplier(ConfigState state, GatewaySettings settings, TimeProvider time, PolicyServices? policyServices = null)
{
    /// <param name="content">The exact bytes received (a signed envelope or a plain file): what a backup stores.</param>
    /// <param name="source">What the status calls a config from there (<c>file:PATH</c>, <c>managementPlane:URL</c>).</param>
    /// <param name="refusedBy">What <c>lastConfigError.source</c> names when it is refused.</param>
    public ApplyResult Apply(byte[] content, string source, string refusedBy)
    {
        var load = SnapshotLoader.Load(content, settings.TrustKey, settings.Validation);
        if (!load.Succeeded)
        {
            return Refuse(refusedBy, [.. load.Problems]);
        }

        var snapshot = load.Snapshot!;
        var current = state.Current;
        if (!settings.Hybrid)
        {
            // A file is what its author says it is: any revision, even the same one with other contents.
            return Swap(() => new GatewayRuntime(snapshot, source, time.GetUtcNow(), content, policyServices: policyServices, previous: current), refusedBy);
        }

        if (RollbackGuard.Check(snapshot.Revision, current) is { } rollback)
        {
            return Refuse(refusedBy, [rollback]);
        }

        if (current is null || snapshot.Revision > current.Revision)
        {
            return Swap(() => new GatewayRuntime(snapshot, source, time.GetUtcNow(), content, policyServices: policyServices, previous: current), refusedBy);
        }

        // The same revision: re-signed after a plane restart, or what a backup already holds. Nothing new to serve, but once the
        // plane has vouched for a backed-up revision, that revision comes from the plane (the backup keeps it; other bytes are backed up).
        if (current.Source == source)
        {
            return new ApplyResult(ApplyStatus.Unchanged, current, null);
        }

        var fromBackup = current.FromBackup && content.AsSpan().SequenceEqual(current.Content);
        if (GatewayRuntime.TryCreate(() => new GatewayRuntime(snapshot, source, current.LoadedAt, content, fromBackup, policyServices: policyServices, previous: current),
            out var problem) is not { } resourced)
        {
            return Refuse(refusedBy, [problem!]);
        }

        state.Apply(resourced);
        return new ApplyResult(ApplyStatus.Unchanged, state.Current, null);
    }

    /// <summary>Records a refusal that never got as far as the bytes (an answer too large to read).</summary>
    public ApplyResult Refuse(string refusedBy, IReadOnlyList<string> problems)
    {
        state.Refuse(refusedBy, problems);
        return new ApplyResult(ApplyStatus.Refused, null, string.Join("; ", problems));
    }

    private ApplyResult Swap(Func<GatewayRuntime> compile, string refusedBy)
    {
        if (GatewayRuntime.TryCreate(compile, out var problem) is not { } runtime)
        {
            return Refuse(refusedBy, [problem!]);
        }

        state.Apply(runtime);
        return new ApplyResult(ApplyStatus.Applied, runtime, null);
    }
}

internal enum ApplyStatus
{
    /// <summary>A new config serves.</summary>
    Applied,

    /// <summary>What is served already (hybrid mode: the same revision).</summary>
    Unchanged,

    /// <summary>Not served; <see cref="ApplyResult.Refusal"/> says why.</summary>
    Refused,
}

internal sealed record ApplyResult(ApplyStatus Status, GatewayRuntime? Runtime, string? Refusal);
