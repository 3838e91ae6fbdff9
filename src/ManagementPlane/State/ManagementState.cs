using EdgeGateway.Contracts.Snapshot;

namespace ManagementPlane.State;

/// <summary>
/// Everything the management plane knows, in one document: the head record. Every write replaces it with
/// <c>If-Match</c> on its ETag, so concurrent writers (threads or processes) never lose each other's changes.
/// Secrets are AES-GCM ciphertexts; subscription keys are also kept as hashes for snapshots.
/// </summary>
internal sealed class ManagementState
{
    /// <summary>Bumped on every write.</summary>
    public long Revision { get; set; }

    public List<ApiDefinition> Apis { get; set; } = [];

    public List<ProductDefinition> Products { get; set; } = [];

    public List<StoredSubscription> Subscriptions { get; set; } = [];

    public List<StoredNamedValue> NamedValues { get; set; } = [];

    /// <summary>Client certificates for authentication-certificate (<c>/certificates</c>): the plane's own state, not in config documents.</summary>
    public List<StoredCertificate> Certificates { get; set; } = [];

    public PolicySet? Policies { get; set; }

    /// <summary>Policy fragments (<c>/policy-fragments</c>), expanded where <c>include-fragment</c> names them when snapshots are compiled.</summary>
    public List<PolicyFragment> Fragments { get; set; } = [];

    public List<StoredGateway> Gateways { get; set; } = [];

    /// <summary>Per resource ("apis/echo", "policies", …): the revision that last changed it; its ETag.</summary>
    public Dictionary<string, long> Versions { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class StoredSubscription
{
    public string Id { get; set; } = "";

    public string? Name { get; set; }

    public string Scope { get; set; } = "";

    public string State { get; set; } = SubscriptionStates.Default;

    /// <summary>AES-GCM ciphertext of the key; null when only a hash was ever given (GitOps).</summary>
    public string? PrimaryKeyProtected { get; set; }

    public string? SecondaryKeyProtected { get; set; }

    public string? PrimaryKeyHash { get; set; }

    public string? SecondaryKeyHash { get; set; }

    /// <summary>The portal account that owns it (<c>PortalAccount.Id</c>); absent for subscriptions an admin created.</summary>
    public string? OwnerId { get; set; }
}

internal sealed class StoredNamedValue
{
    public string Id { get; set; } = "";

    public bool Secret { get; set; }

    /// <summary>Plain value of a non-secret named value.</summary>
    public string? Value { get; set; }

    /// <summary>AES-GCM ciphertext of a secret value.</summary>
    public string? ValueProtected { get; set; }

    /// <summary>The purpose (associated data) a secret value is encrypted under: bound to its id.</summary>
    public static string SecretPurpose(string id) => $"named-values/{id.ToLowerInvariant()}";
}

internal sealed class StoredGateway
{
    public string Id { get; set; } = "";

    public string? Name { get; set; }

    public string? Description { get; set; }

    public List<string> Apis { get; set; } = [];

    public string PrimaryKeyProtected { get; set; } = "";

    public string SecondaryKeyProtected { get; set; } = "";

    /// <summary>Revision of the last write that changed this gateway's compiled snapshot: its snapshot revision and ETag.</summary>
    public long SnapshotRevision { get; set; }

    /// <summary>SHA-256 of the compiled snapshot (revision 0), to tell whether a write changed it.</summary>
    public string? SnapshotHash { get; set; }
}

internal sealed class StoredCertificate
{
    public string Id { get; set; } = "";

    public string Thumbprint { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Issuer { get; set; } = "";

    public DateTimeOffset NotBefore { get; set; }

    public DateTimeOffset NotAfter { get; set; }

    /// <summary>AES-GCM ciphertext of the base64 PFX (no password, key included): the key never rests in plain text.</summary>
    public string DataProtected { get; set; } = "";

    /// <summary>The purpose (associated data) the PFX is encrypted under: bound to its id.</summary>
    public static string SecretPurpose(string id) => $"certificates/{id.ToLowerInvariant()}";
}
