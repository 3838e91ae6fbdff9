using EdgeGateway.Backup;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Hosting;
using EdgeGateway.Routing;

namespace EdgeGateway.Configuration;

/// <summary>
/// The config the gateway starts with, found before anything listens (DESIGN.md, "Start order"):
/// standalone: the file, else the newest valid backup; hybrid: the newest valid backup, else nothing yet
/// (the sync service then has ManagementPlane:StartupTimeout to get a first snapshot).
/// Read on the main thread: a parallel Task.Run measured ~3 ms slower (it starts a pool thread early).
/// </summary>
internal sealed partial record InitialConfig(GatewayRuntime? Runtime, byte[]? FileContent, bool WasSigned, IReadOnlyList<string> Notes)
{
    /// <summary>Why the config file was not used (standalone mode fell back to a backup); shown as the last config error.</summary>
    public IReadOnlyList<string> FileProblems { get; init; } = [];

    public static async Task<InitialConfig> LoadAsync(GatewaySettings settings, SnapshotBackups? backups, TimeProvider time,
        Policies.PolicyServices? policyServices = null)
    {
        var notes = new List<string>();
        if (!settings.Hybrid)
        {
            var path = settings.Gateway.ConfigFile!;
            var load = FileConfigSource.LoadFile(path, settings.TrustKey, settings.Gateway.Id, time, policyServices);
            if (load.Runtime is not null)
            {
                return new InitialConfig(load.Runtime, load.Content, load.WasSigned, notes);
            }

            var problems = load.Problems.Select(p => $"config problem: {p}").ToList();
            if (backups is null)
            {
                throw new StartupException([.. problems,
                    $"not starting: no valid config in '{Path.GetFullPath(path)}' (Gateway:ConfigFile) and no backup store (Backup:Provider); fix the problems above and start again"]);
            }

            notes.AddRange(problems);
            var restored = await RestoreAsync(settings, backups, time, notes, policyServices);
            return restored is not null
                ? new InitialConfig(restored, load.Content, Contracts.Signing.SignedSnapshot.IsEnvelope(restored.Content),
                    [.. notes, $"the config file is not usable: serving the last good backup ({restored.Source})"]) { FileProblems = load.Problems }
                : throw new StartupException([.. notes,
                    $"not starting: no valid config in '{Path.GetFullPath(path)}' (Gateway:ConfigFile) and no valid backup in {backups.StoreName} (Backup:*)"]);
        }

        var fromBackup = backups is null ? null : await RestoreAsync(settings, backups, time, notes, policyServices);
        return new InitialConfig(fromBackup, null, fromBackup is not null, notes);
    }

    private static async Task<GatewayRuntime?> RestoreAsync(GatewaySettings settings, SnapshotBackups backups, TimeProvider time, List<string> notes,
        Policies.PolicyServices? policyServices)
    {
        using var timeout = new CancellationTokenSource(settings.Backup.ReadTimeout);
        try
        {
            GatewaySnapshot? accepted = null;
            var restored = await backups.ReadNewestValidAsync((bytes, nameRevision) =>
            {
                var load = SnapshotLoader.Load(bytes, settings.TrustKey, settings.Validation);
                accepted = load.Snapshot;
                return !load.Succeeded ? string.Join("; ", load.Problems)
                    : load.Snapshot!.Revision != nameRevision
                        ? $"its name says revision {nameRevision}, but the snapshot inside is revision {load.Snapshot.Revision} (renamed or planted)"
                        : null;
            }, timeout.Token);
            if (restored is null)
            {
                notes.Add($"no valid backup in {backups.StoreName}");
                return null;
            }

            if (settings.Hybrid && settings.Trust.MaxSnapshotAge is { } maxAge)
            {
                var (confirmation, error) = await backups.ReadConfirmationAsync(timeout.Token);
                var refusal = error ?? Trust.Freshness.Check(confirmation!, settings.TrustKey!, settings.Gateway.Id!, accepted!.Revision, maxAge, time.GetUtcNow());
                if (refusal is not null)
                {
                    notes.Add($"the backup {restored.Key} is not used (Trust:MaxSnapshotAge {maxAge}): {refusal}");
                    return null;
                }
            }

            var runtime = GatewayRuntime.TryCreate(
                () => new GatewayRuntime(accepted!, $"backup:{restored.Key}", time.GetUtcNow(), restored.Bytes, fromBackup: true, policyServices), out var problem);
            if (runtime is null)
            {
                notes.Add($"the backup {restored.Key} is not used: {problem}");
            }

            return runtime;
        }
        catch (Exception ex) when (ex is global::Backup.Providers.ObjectStoreException or OperationCanceledException)
        {
            notes.Add($"the backup store {backups.StoreName} could not be read: {(ex is OperationCanceledException ? $"no answer within Backup:ReadTimeout ({settings.Backup.ReadTimeout})" : ex.Message)}");
            return null;
        }
    }
}
