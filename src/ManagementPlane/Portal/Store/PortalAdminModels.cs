namespace ManagementPlane.Portal.Store;

/// <summary>An account as the admin API shows it: never the password hash or the security stamp.</summary>
internal sealed record AccountResource(string Id, string Email, string DisplayName, string State, DateTimeOffset CreatedAt, DateTimeOffset? ApprovedAt)
{
    public static AccountResource From(PortalAccount a) => new(a.Id, a.Email, a.DisplayName, a.State, a.CreatedAt, a.ApprovedAt);
}

/// <summary><c>POST /accounts</c>: an active account an admin creates (scripts, demos).</summary>
internal sealed record AccountRequest(string? Email, string? DisplayName, string? Password);

/// <summary>
/// <c>POST /invitations</c>. <see cref="Expires"/> is a duration (<c>7.00:00:00</c>) or an ISO 8601 time; default 7 days,
/// at most 90. <see cref="Email"/>, when given, is the only address that may use it.
/// </summary>
internal sealed record InvitationRequest(string? Email, string? Expires);

/// <summary>The token is shown here once; the store keeps only its hash.</summary>
internal sealed record InvitationResource(string Token, string Url, DateTimeOffset ExpiresAt, string? Email);
