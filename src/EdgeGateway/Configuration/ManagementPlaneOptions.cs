namespace EdgeGateway.Configuration;

/// <summary>The <c>ManagementPlane:*</c> settings: hybrid mode, where the gateway pulls signed snapshots.</summary>
public sealed class ManagementPlaneOptions
{
    public const string Section = "ManagementPlane";

    public string? Url { get; set; }

    /// <summary><c>GatewayKey {id}&amp;{expiry}&amp;{signature}</c>, as <c>POST /gateways/{id}/token</c> issues it.</summary>
    public string? Token { get; set; }

    /// <summary>Instead of <see cref="Token"/>: a file holding the token, re-read when it changes (a mounted, rotated secret).</summary>
    public string? TokenFile { get; set; }

    /// <summary>How often to ask when long polling is not possible.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>With no backup to start from: how long to wait for a first snapshot before exiting non-zero.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one long poll is held by the management plane (its <c>wait</c> parameter).</summary>
    public TimeSpan LongPollWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An extra CA (PEM) to trust for the management plane's TLS certificate.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>The largest snapshot answer read from the management plane; a larger one is refused, never buffered.</summary>
    public long MaxSnapshotBytes { get; set; } = DefaultMaxSnapshotBytes;

    public const long DefaultMaxSnapshotBytes = 64 * 1024 * 1024;
}

/// <summary>The gateway's own <c>Backup:*</c> settings beside the store's (<c>Backup:Provider</c>, <c>Backup:Disk:*</c>, ...).</summary>
public sealed class BackupOptions
{
    public const string Section = "Backup";

    /// <summary>Optional key to encrypt backups at rest: 32 bytes in base64, or a passphrase.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>
    /// Back up a snapshot holding secret named values even without <see cref="EncryptionKey"/> (in plain text). Off: such a
    /// snapshot is served but not backed up, and the status and heartbeat say why.
    /// </summary>
    public bool AllowPlaintextSecrets { get; set; }

    /// <summary>How many revisions to keep.</summary>
    public int Keep { get; set; } = 5;

    /// <summary>How long a start may spend reading the backup store before giving up on it.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
