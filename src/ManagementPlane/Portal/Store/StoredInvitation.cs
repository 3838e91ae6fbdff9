namespace ManagementPlane.Portal.Store;

/// <summary>An invitation as stored (<c>portal/invitations/{sha256 of token}.json</c>): the token itself is never kept.</summary>
internal sealed class StoredInvitation
{
    /// <summary>When set, only this email (normalised) may use it.</summary>
    public string? Email { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set once, with If-Match on the object's ETag, so two sign-ups racing for one link cannot both win.</summary>
    public DateTimeOffset? UsedAt { get; set; }

    public string? AccountId { get; set; }
}
