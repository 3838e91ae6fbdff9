using System.Security.Cryptography;
using Backup.Providers;

namespace ManagementPlane.Portal.Store;

/// <summary>A new invitation: the token is shown once, to the admin who asked for it.</summary>
internal sealed record IssuedInvitation(string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Invitation links (<c>portal/invitations/{sha256 of token}.json</c>): single use, expiring. The token is 256 random bits,
/// so finding the object by its hash is the check; nothing compares tokens character by character.
/// </summary>
internal sealed class InvitationStore(PortalObjects objects, TimeProvider time)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(90);

    /// <summary>Tokens are 43 characters; anything much longer is not one of ours (and is not hashed).</summary>
    private const int MaxTokenLength = 128;

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<IssuedInvitation> CreateAsync(string? email, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var invitation = new StoredInvitation
        {
            Email = email is null ? null : AccountRules.NormalizeEmail(email),
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        await objects.WriteAsync(PortalKeys.Invitation(token), invitation, PortalStoreJsonContext.Default.StoredInvitation, WriteCondition.IfNoneMatch, cancellationToken);
        return new IssuedInvitation(token, expiresAt);
    }

    /// <summary>
    /// Marks the invitation used by <paramref name="accountId"/>; false when the token is unknown, used, expired, or
    /// meant for another email. Conditional on the object's ETag, so of two racing sign-ups exactly one wins.
    /// </summary>
    public async Task<bool> RedeemAsync(string token, string normalizedEmail, string accountId, CancellationToken cancellationToken)
    {
        if (token.Length is 0 or > MaxTokenLength)
        {
            return false;
        }

        var key = PortalKeys.Invitation(token);
        var read = await objects.ReadAsync(key, PortalStoreJsonContext.Default.StoredInvitation, cancellationToken);
        if (read?.Value is not { } invitation || !Usable(invitation, normalizedEmail))
        {
            return false;
        }

        invitation.UsedAt = time.GetUtcNow();
        invitation.AccountId = accountId;
        return await objects.WriteAsync(key, invitation, PortalStoreJsonContext.Default.StoredInvitation, WriteCondition.IfMatch(read.ETag), cancellationToken);
    }

    private bool Usable(StoredInvitation invitation, string normalizedEmail) =>
        invitation.UsedAt is null
        && time.GetUtcNow() < invitation.ExpiresAt
        && (invitation.Email is null || string.Equals(invitation.Email, normalizedEmail, StringComparison.Ordinal));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
