namespace ManagementPlane.Hosting;

/// <summary>The management plane's own settings, section <c>Management</c>.</summary>
public sealed class ManagementOptions
{
    public const string Section = "Management";

    /// <summary>Admin API keys accepted as <c>Authorization: Bearer &lt;key&gt;</c> (<c>Management__AdminKeys__0</c>, …).</summary>
    public List<string> AdminKeys { get; set; } = [];

    /// <summary>ECDSA P-256 private key (PEM) that signs snapshots; required (or <see cref="SigningKeyFile"/>).</summary>
    public string? SigningKey { get; set; }

    /// <summary>A file holding <see cref="SigningKey"/> (a mounted secret).</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>Base64 of 32 bytes: the AES-GCM key for secrets at rest; required (or <see cref="EncryptionKeyFile"/>).</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>A file holding <see cref="EncryptionKey"/> (a mounted secret).</summary>
    public string? EncryptionKeyFile { get; set; }

    /// <summary>Generate missing keys into the state store, next to the data they protect: for a demo only.</summary>
    public bool DevelopmentKeys { get; set; }

    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The gateways' heartbeat interval: an instance is stale after three missed beats.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long and how many gateway instances' heartbeats are kept.</summary>
    public HeartbeatOptions Heartbeats { get; set; } = new();

    /// <summary>How often the head record is re-read so another instance's writes wake long polls.</summary>
    public TimeSpan StatePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    public long MaxImportBytes { get; set; } = 8 * 1024 * 1024;

    internal IEnumerable<string> Validate()
    {
        if (AdminKeys.Count(k => !string.IsNullOrWhiteSpace(k)) == 0)
        {
            yield return "Management:AdminKeys is empty: set at least one admin key (environment: Management__AdminKeys__0=<a long random string>); the management API refuses anonymous access.";
        }
        else if (AdminKeys.Any(k => !string.IsNullOrWhiteSpace(k) && k.Trim().Length < 16))
        {
            yield return "Management:AdminKeys: every admin key must be at least 16 characters long.";
        }

        if (MaxTokenLifetime <= TimeSpan.Zero)
        {
            yield return "Management:MaxTokenLifetime must be more than 00:00:00.";
        }

        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            yield return "Management:HeartbeatInterval must be more than 00:00:00.";
        }

        if (Heartbeats.ForgetAfter <= HeartbeatInterval * 3)
        {
            yield return $"Management:Heartbeats:ForgetAfter ({Heartbeats.ForgetAfter}) must be longer than 3 × Management:HeartbeatInterval ({HeartbeatInterval * 3}), or instances that only missed a few heartbeats would be forgotten.";
        }

        if (Heartbeats.MaxInstancesPerGateway is < 1 or > 10_000)
        {
            yield return "Management:Heartbeats:MaxInstancesPerGateway must be from 1 to 10000.";
        }

        if (StatePollInterval < TimeSpan.FromMilliseconds(50))
        {
            yield return "Management:StatePollInterval must be at least 00:00:00.05.";
        }

        if (MaxBodyBytes < 1024 || MaxImportBytes < 1024)
        {
            yield return "Management:MaxBodyBytes and Management:MaxImportBytes must be at least 1024.";
        }

        if (!string.IsNullOrWhiteSpace(SigningKey) && !string.IsNullOrWhiteSpace(SigningKeyFile))
        {
            yield return "Management:SigningKey and Management:SigningKeyFile are both set: set one of them.";
        }

        if (!string.IsNullOrWhiteSpace(EncryptionKey) && !string.IsNullOrWhiteSpace(EncryptionKeyFile))
        {
            yield return "Management:EncryptionKey and Management:EncryptionKeyFile are both set: set one of them.";
        }
    }
}
