using System.Text.Json;
using Backup.Providers;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Diagnostics;
using ManagementPlane.Snapshots;

namespace ManagementPlane.State;

/// <summary>
/// Reads and writes the head record. Writes are optimistic: read (document + ETag), apply the change to a fresh copy,
/// validate the whole result, put with If-Match (If-None-Match for the first write), and on a failed precondition
/// start again from the newer document. So two processes sharing a store serialise through the store itself.
/// Each write compiles every gateway's snapshot once; after the commit the changed ones are signed and stored
/// (<see cref="SnapshotPublisher"/>), so no instance compiles them again to serve them.
/// </summary>
internal sealed partial class StateStore(IObjectStore store, ChangeNotifier notifier, SnapshotPublisher snapshots, TimeProvider time, ILogger<StateStore> logger)
{
    public const string HeadKey = "state/head.json";
    private const int MaxAttempts = 100;

    // Keep the newest: a slow read must not roll back what a faster write already published.
    private readonly ForwardOnly<LoadedState> current = new(LoadedState.Empty,
        (candidate, known) => known.ETag is null || candidate.State.Revision >= known.State.Revision);

    /// <summary>The newest state read or written by this process (refreshed by <see cref="ReadAsync"/> and the watcher).</summary>
    public LoadedState Current => current.Value;

    /// <summary>The head record as the store has it now; downloaded only when its ETag differs from the one held.</summary>
    public async Task<LoadedState> ReadAsync(CancellationToken cancellationToken)
    {
        var known = current.Value;
        var read = await store.GetIfChangedAsync(HeadKey, known.ETag, cancellationToken);
        if (read.Status == ReadStatus.NotModified)
        {
            return known;
        }

        if (read.Object is not { } stored)
        {
            return known.ETag is null ? known : Remember(LoadedState.Empty);
        }

        var bytes = stored.Content.ToArray();
        var state = JsonSerializer.Deserialize(bytes, StateJsonContext.Default.ManagementState)
            ?? throw new InvalidDataException($"{HeadKey} in {store.Name} is not a state document.");
        return Remember(new LoadedState(state, bytes, stored.ETag));
    }

    /// <summary>Applies <paramref name="mutate"/> atomically; it returns an error to abort (it may run several times).</summary>
    public async Task<WriteOutcome> UpdateAsync(Func<ManagementState, Mutation, StateError?> mutate, CancellationToken cancellationToken)
    {
        using var activity = ManagementTelemetry.Source.StartActivity("state.update");
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await ReadAsync(cancellationToken);
            var copy = loaded.Bytes.Length == 0
                ? new ManagementState()
                : JsonSerializer.Deserialize(loaded.Bytes, StateJsonContext.Default.ManagementState)!;
            var mutation = new Mutation(copy, loaded.State.Revision + 1);
            if (mutate(copy, mutation) is { } error)
            {
                return new WriteOutcome(error, loaded.State);
            }

            // A write that changes nothing (a re-applied config) is not a write: no new revision, nobody woken.
            if (loaded.ETag is not null && JsonSerializer.SerializeToUtf8Bytes(copy, StateJsonContext.Default.ManagementState).AsSpan().SequenceEqual(loaded.Bytes))
            {
                return new WriteOutcome(null, loaded.State);
            }

            copy.Revision = mutation.NewRevision;
            var problems = StateValidation.Validate(copy);
            if (problems.Count > 0)
            {
                const string detail = "the change would leave the configuration invalid; nothing was stored";
                return new WriteOutcome(mutation.ConflictOnInvalid ? StateError.Conflict(detail, problems) : StateError.Invalid(detail, problems), loaded.State);
            }

            var changes = snapshots.Stamp(loaded.State, copy);
            if (changes.UnreadableSecrets.Count > 0)
            {
                return new WriteOutcome(UnreadableSecrets(changes.UnreadableSecrets), loaded.State);
            }

            var bytes = JsonSerializer.SerializeToUtf8Bytes(copy, StateJsonContext.Default.ManagementState);
            var condition = loaded.ETag is null ? WriteCondition.IfNoneMatch : WriteCondition.IfMatch(loaded.ETag);
            var put = await store.PutAsync(HeadKey, bytes, condition, cancellationToken);
            if (put.Succeeded)
            {
                // Signed before the change is announced, so this instance's woken polls find them in memory.
                var signed = snapshots.Sign(changes);
                Remember(new LoadedState(copy, bytes, put.ETag));
                ManagementTelemetry.StateWrites.Add(1);
                activity?.SetTag("managementplane.revision", copy.Revision);
                LogWritten(logger, copy.Revision, attempt);
                // Committed: storing them is no longer the caller's to cancel.
                await snapshots.StoreAsync(signed, changes.Removed, CancellationToken.None);
                return new WriteOutcome(null, copy);
            }

            if (attempt >= MaxAttempts)
            {
                return new WriteOutcome(StateError.TooManyWriters("too many concurrent writers; try again"), loaded.State);
            }

            ManagementTelemetry.StateWriteConflicts.Add(1);
            LogConflict(logger, attempt);
            // Back off a little with jitter so two busy writers do not keep colliding.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * Math.Min(attempt, 10))), time, cancellationToken);
        }
    }

    private LoadedState Remember(LoadedState loaded)
    {
        if (current.TryAdvance(loaded))
        {
            snapshots.Retain(loaded.State);
        }

        notifier.Publish(loaded.State.Revision);
        return loaded;
    }

    private static StateError UnreadableSecrets(IReadOnlyList<(string Gateway, string NamedValue)> unreadable)
    {
        var ids = unreadable.Select(u => u.NamedValue).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var first = ids[0];
        if (first.StartsWith(Snapshots.SnapshotCompiler.CertificatePrefix, StringComparison.Ordinal))
        {
            var id = first[Snapshots.SnapshotCompiler.CertificatePrefix.Length..];
            return StateError.Conflict(
                $"certificate '{id}' cannot be decrypted (damaged in the store, or written under another Management:EncryptionKey), and the policies of gateway '{unreadable[0].Gateway}' use it, so its snapshot cannot be compiled; nothing was stored: upload it again (PUT /certificates/{id})",
                [new ConfigError($"certificates.{id}", "cannot be decrypted: upload it again")]);
        }

        return StateError.Conflict(
            $"secret named value '{first}' cannot be decrypted (damaged in the store, or written under another Management:EncryptionKey), and the policies of gateway '{unreadable[0].Gateway}' reference it, so its snapshot cannot be compiled; nothing was stored: set it again (PUT /named-values/{first})",
            [.. ids.Select(id => new ConfigError($"namedValues.{id}", "cannot be decrypted: set it again"))]);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "State revision {Revision} written (attempt {Attempt})")]
    private static partial void LogWritten(ILogger logger, long revision, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Head record changed under us (attempt {Attempt}); re-reading and re-applying")]
    private static partial void LogConflict(ILogger logger, int attempt);
}

internal sealed record LoadedState(ManagementState State, byte[] Bytes, string? ETag)
{
    public static LoadedState Empty { get; } = new(new ManagementState(), [], null);
}

/// <summary>A write's result: the state after it (or as it was, when refused), or why it was refused.</summary>
internal sealed record WriteOutcome(StateError? Error, ManagementState State);
