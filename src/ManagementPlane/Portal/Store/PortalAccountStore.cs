using System.Security.Cryptography;
using Backup.Providers;
using Microsoft.AspNetCore.Identity;

namespace ManagementPlane.Portal.Store;

/// <summary>
/// Accounts (<see cref="IPortalAccounts"/>), one object per account (<c>portal/accounts/{id}.json</c>), created with
/// If-None-Match and changed with If-Match, so two instances never lose each other's changes. Passwords are hashed by
/// ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2, salted, versioned), never by our own code.
/// </summary>
internal sealed partial class PortalAccountStore(PortalObjects objects, IPortalContent content, InvitationStore invitations, TimeProvider time,
    ILogger<PortalAccountStore> logger) : IPortalAccounts
{
    /// <summary>128 bits of SHA-256 in hex: no collision in practice, short enough for URLs and subscription owners.</summary>
    private const int IdLength = 32;

    private readonly PasswordHasher<PortalAccount> hasher = new();

    // Verified against when the email is unknown, so "no such account" takes as long as "wrong password".
    private readonly Lazy<string> decoyHash = new(() => new PasswordHasher<PortalAccount>().HashPassword(new PortalAccount(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    public string IdFor(string email) => PortalKeys.Sha256Hex(AccountRules.NormalizeEmail(email))[..IdLength];

    /// <summary>Whether <paramref name="id"/> has the shape of an account id (what the admin API accepts in a URL).</summary>
    public static bool IsValidId(string? id) => id is { Length: IdLength } && id.All(char.IsAsciiHexDigitLower);

    public async Task<PortalAccount?> GetAsync(string id, CancellationToken cancellationToken) =>
        IsValidId(id) ? (await objects.ReadAsync(PortalKeys.Account(id), PortalStoreJsonContext.Default.PortalAccount, cancellationToken))?.Value : null;

    public async Task<SignUpResult> SignUpAsync(string email, string displayName, string password, string? invitation, CancellationToken cancellationToken)
    {
        if (AccountRules.Check(email, displayName, password) is { } problem)
        {
            return new SignUpResult(SignUpOutcome.Invalid, null, problem);
        }

        var invited = !string.IsNullOrEmpty(invitation);
        var settings = await content.GetSettingsAsync(cancellationToken);
        if (!invited && settings.SignUp == SignUpModes.Invitation)
        {
            return new SignUpResult(SignUpOutcome.InvitationRequired, null, "Sign-up needs an invitation link.");
        }

        var account = NewAccount(email, displayName, password, invited ? AccountStates.Active : AccountStates.Pending);
        if (await GetAsync(account.Id, cancellationToken) is not null)
        {
            return new SignUpResult(SignUpOutcome.Exists, null, null);
        }

        if (invited && !await invitations.RedeemAsync(invitation!, AccountRules.NormalizeEmail(email), account.Id, cancellationToken))
        {
            return new SignUpResult(SignUpOutcome.InvitationRequired, null, "The invitation link is not valid: it is unknown, used, expired or for another email.");
        }

        if (!await CreateAsync(account, cancellationToken))
        {
            return new SignUpResult(SignUpOutcome.Exists, null, null);
        }

        LogSignedUp(logger, account.Id, account.State);
        return new SignUpResult(invited ? SignUpOutcome.Active : SignUpOutcome.Pending, account, null);
    }

    /// <summary>An admin creates an account that is active at once (scripts, demos); <see cref="SignUpOutcome.Exists"/> when the email is taken.</summary>
    public async Task<SignUpResult> CreateActiveAsync(string email, string displayName, string password, CancellationToken cancellationToken)
    {
        if (AccountRules.Check(email, displayName, password) is { } problem)
        {
            return new SignUpResult(SignUpOutcome.Invalid, null, problem);
        }

        var account = NewAccount(email, displayName, password, AccountStates.Active);
        return await CreateAsync(account, cancellationToken)
            ? new SignUpResult(SignUpOutcome.Active, account, null)
            : new SignUpResult(SignUpOutcome.Exists, null, null);
    }

    public async Task<PortalAccount?> CheckPasswordAsync(string email, string password, CancellationToken cancellationToken)
    {
        if (AccountRules.CheckEmail(email) is not null || string.IsNullOrEmpty(password) || password.Length > AccountRules.MaxPasswordLength)
        {
            return null;
        }

        var account = await GetAsync(IdFor(email), cancellationToken);
        if (account is null)
        {
            hasher.VerifyHashedPassword(new PortalAccount(), decoyHash.Value, password);
            return null;
        }

        var result = hasher.VerifyHashedPassword(account, account.PasswordHash, password);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // An older hash format or iteration count: upgrade it while the password is at hand (best effort).
            var rehashed = hasher.HashPassword(account, password);
            await ChangeAsync(account.Id, a => Set(a.PasswordHash == account.PasswordHash, () => a.PasswordHash = rehashed), cancellationToken);
        }

        return result == PasswordVerificationResult.Failed ? null : account;
    }

    /// <summary>Every account, or those in <paramref name="state"/>, oldest first.</summary>
    public async Task<IReadOnlyList<PortalAccount>> ListAsync(string? state, CancellationToken cancellationToken)
    {
        var accounts = new List<PortalAccount>();
        await foreach (var key in objects.ListKeysAsync(PortalKeys.AccountsPrefix, cancellationToken))
        {
            if ((await objects.ReadAsync(key, PortalStoreJsonContext.Default.PortalAccount, cancellationToken))?.Value is { } account
                && (state is null || account.State == state))
            {
                accounts.Add(account);
            }
        }

        return [.. accounts.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id, StringComparer.Ordinal)];
    }

    public Task<AccountChange> ApproveAsync(string id, CancellationToken cancellationToken) =>
        ChangeAsync(id, a => Set(a.State == AccountStates.Pending, () =>
        {
            a.State = AccountStates.Active;
            a.ApprovedAt = time.GetUtcNow();
        }), cancellationToken);

    public Task<AccountChange> RejectAsync(string id, CancellationToken cancellationToken) =>
        ChangeAsync(id, a => Set(a.State == AccountStates.Pending, () => a.State = AccountStates.Rejected), cancellationToken);

    /// <summary>
    /// Changes one account: <paramref name="change"/> edits a fresh copy and returns false to refuse (wrong state);
    /// it may run again when another writer changed the account meanwhile.
    /// </summary>
    public async Task<AccountChange> ChangeAsync(string id, Func<PortalAccount, bool> change, CancellationToken cancellationToken)
    {
        if (!IsValidId(id))
        {
            return AccountChange.NotFound;
        }

        var outcome = AccountChange.NotFound;
        await objects.UpdateAsync(PortalKeys.Account(id), PortalStoreJsonContext.Default.PortalAccount, current =>
        {
            if (current is null)
            {
                outcome = AccountChange.NotFound;
                return null;
            }

            var accepted = change(current);
            outcome = new AccountChange(accepted ? AccountChangeOutcome.Done : AccountChangeOutcome.WrongState, current);
            return accepted ? current : null;
        }, cancellationToken);
        return outcome;
    }

    public Task<bool> DeleteObjectAsync(string id, CancellationToken cancellationToken) => objects.DeleteAsync(PortalKeys.Account(id), cancellationToken);

    /// <summary>A fresh random stamp: sessions carrying the old one stop working.</summary>
    public static string NewSecurityStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Runs <paramref name="apply"/> only when <paramref name="allowed"/>; returns whether it ran (a <see cref="ChangeAsync"/> answer).</summary>
    private static bool Set(bool allowed, Action apply)
    {
        if (allowed)
        {
            apply();
        }

        return allowed;
    }

    private PortalAccount NewAccount(string email, string displayName, string password, string state)
    {
        var now = time.GetUtcNow();
        var account = new PortalAccount
        {
            Id = IdFor(email),
            Email = email.Trim(),
            DisplayName = displayName.Trim(),
            State = state,
            SecurityStamp = NewSecurityStamp(),
            CreatedAt = now,
            ApprovedAt = state == AccountStates.Active ? now : null,
        };
        account.PasswordHash = hasher.HashPassword(account, password);
        return account;
    }

    private Task<bool> CreateAsync(PortalAccount account, CancellationToken cancellationToken) =>
        objects.WriteAsync(PortalKeys.Account(account.Id), account, PortalStoreJsonContext.Default.PortalAccount, WriteCondition.IfNoneMatch, cancellationToken);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Portal account {AccountId} signed up ({State})")]
    private static partial void LogSignedUp(ILogger logger, string accountId, string state);
}
