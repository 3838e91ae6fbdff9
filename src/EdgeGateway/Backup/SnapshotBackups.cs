using Backup.Providers;
using EdgeGateway.Logging;

namespace EdgeGateway.Backup;

/// <summary>
/// The gateway's backups in one object store: newest-valid-first reads and immutable, pruned writes.
/// Every read goes through the same verification as any other snapshot (signature, validation,
/// gateway id), so a tampered, truncated, foreign or wrongly encrypted backup is skipped for the next older one.
/// </summary>
internal sealed partial class SnapshotBackups(IObjectStore store, string gatewayId, BackupCipher? cipher, int keep, ILogger logger)
{
    /// <summary>The configured backups, or null for Backup:Provider none. Logs through a console logger of its own: DI is not built yet at start.</summary>
    public static SnapshotBackups? From(Configuration.GatewaySettings settings) => settings.BackupStore is null ? null
        : new SnapshotBackups(settings.BackupStore, settings.BackupGatewayId, BackupCipher.FromSetting(settings.Backup.EncryptionKey, settings.BackupGatewayId),
            settings.Backup.Keep, StartupLog.Logger);

    public string StoreName => store.Name;

    /// <summary>Backups are encrypted (<c>Backup:EncryptionKey</c> is set).</summary>
    public bool Encrypts => cipher is not null;

    /// <summary>
    /// Lists once, then reads candidates newest first until one verifies. <paramref name="verify"/> gets the bytes and the
    /// revision the object's name claims, and returns the refusal reason, or null when the snapshot is acceptable.
    /// </summary>
    public async Task<RestoredBackup?> ReadNewestValidAsync(Func<byte[], long, string?> verify, CancellationToken cancellationToken)
    {
        var candidates = new List<ObjectInfo>();
        await foreach (var info in store.ListAsync(BackupNames.Prefix(gatewayId), cancellationToken))
        {
            if (BackupNames.TryParseRevision(info.Key, out _))
            {
                candidates.Add(info);
            }
        }

        foreach (var info in candidates.OrderByDescending(c => c.Key, StringComparer.Ordinal).ThenByDescending(c => c.LastModified))
        {
            var stored = await store.GetAsync(info.Key, cancellationToken);
            if (stored is null)
            {
                continue; // pruned between list and get
            }

            var bytes = Unwrap(stored.Content.Span, info.Key, out var unwrapError);
            BackupNames.TryParseRevision(info.Key, out var nameRevision);
            var refusal = unwrapError ?? verify(bytes!, nameRevision);
            if (refusal is null)
            {
                return new RestoredBackup(info.Key, bytes!);
            }

            LogSkipped(logger, info.Key, store.Name, refusal);
        }

        return null;
    }

    /// <summary>Writes one applied snapshot (idempotent: the name is derived from the content) and prunes old ones.</summary>
    public async Task<string> WriteAsync(long revision, byte[] snapshotBytes, CancellationToken cancellationToken)
    {
        var key = BackupNames.For(gatewayId, revision, snapshotBytes);
        var content = cipher is null ? snapshotBytes : cipher.Encrypt(snapshotBytes, key);
        var conditional = store.Capabilities.SupportsConditionalWrites;
        var put = await store.PutAsync(key, content, conditional ? WriteCondition.IfNoneMatch : WriteCondition.None, cancellationToken);
        if (!put.Succeeded)
        {
            // The name exists already. Keep it only if it holds exactly these bytes readable with today's key;
            // otherwise (another key, damaged) replace it, or the next cold start could not use it.
            var existing = await store.GetAsync(key, cancellationToken);
            var readable = existing is null ? null : Unwrap(existing.Content.Span, key, out _);
            if (readable is null || !readable.AsSpan().SequenceEqual(snapshotBytes))
            {
                await store.PutAsync(key, content, WriteCondition.None, cancellationToken);
            }
        }

        await PruneAsync(cancellationToken);
        return key;
    }

    /// <summary>
    /// Replaces the one confirmation object beside the snapshots (<c>gateways/{id}/confirmation.json</c>): the plane's
    /// latest signed word on what this gateway serves. Encrypted like the snapshots when <c>Backup:EncryptionKey</c> is set.
    /// </summary>
    public async Task WriteConfirmationAsync(byte[] signedConfirmation, CancellationToken cancellationToken)
    {
        var key = BackupNames.Confirmation(gatewayId);
        await store.PutAsync(key, cipher is null ? signedConfirmation : cipher.Encrypt(signedConfirmation, key), WriteCondition.None, cancellationToken);
    }

    /// <summary>The backed-up confirmation's bytes, or an error saying why there is none that can be read.</summary>
    public async Task<(byte[]? Signed, string? Error)> ReadConfirmationAsync(CancellationToken cancellationToken)
    {
        var key = BackupNames.Confirmation(gatewayId);
        var stored = await store.GetAsync(key, cancellationToken);
        if (stored is null)
        {
            return (null, $"there is no {key} in {store.Name}: the management plane has not confirmed any revision to this gateway yet");
        }

        var bytes = Unwrap(stored.Content.Span, key, out var error);
        return (bytes, error is null ? null : $"{key}: {error}");
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var info in store.ListAsync(BackupNames.Prefix(gatewayId), cancellationToken))
        {
            if (BackupNames.TryParseRevision(info.Key, out _))
            {
                keys.Add(info.Key);
            }
        }

        foreach (var old in keys.OrderByDescending(k => k, StringComparer.Ordinal).Skip(keep))
        {
            await store.DeleteAsync(old, cancellationToken);
        }
    }

    private byte[]? Unwrap(ReadOnlySpan<byte> content, string key, out string? error)
    {
        error = null;
        if (BackupCipher.LooksEncrypted(content))
        {
            if (cipher is null)
            {
                error = "the backup is encrypted but Backup:EncryptionKey is not set";
                return null;
            }

            var plain = cipher.Decrypt(content, key);
            error = plain is null ? "cannot decrypt: wrong Backup:EncryptionKey, or the object was changed or truncated" : null;
            return plain;
        }

        if (cipher is not null)
        {
            error = "the backup is not encrypted, but Backup:EncryptionKey is set (refusing plaintext that could have been planted)";
            return null;
        }

        return content.ToArray();
    }

    [LoggerMessage(40, LogLevel.Warning, "Backup {Key} in {Store} skipped: {Reason}; trying the next older one")]
    private static partial void LogSkipped(ILogger logger, string key, string store, string reason);
}

internal sealed record RestoredBackup(string Key, byte[] Bytes);
