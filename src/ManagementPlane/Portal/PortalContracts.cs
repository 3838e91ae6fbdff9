namespace ManagementPlane.Portal;

// The seams of the developer portal (issue 15). Store and admin API (helper S) implement the interfaces; the pages
// (helpers P and C) use them. Names here are the contract between the parts; add members, do not rename.

/// <summary>An API consumer's account, one object per account in the plane's store (<c>portal/accounts/{id}.json</c>).</summary>
internal sealed class PortalAccount
{
    /// <summary>Derived from the normalised email (<see cref="IPortalAccounts.IdFor"/>), so a lookup by email is one read.</summary>
    public string Id { get; set; } = "";

    public string Email { get; set; } = "";

    public string DisplayName { get; set; } = "";

    /// <summary>ASP.NET Core Identity's <c>PasswordHasher</c> output; never the password.</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>One of <see cref="AccountStates"/>.</summary>
    public string State { get; set; } = AccountStates.Pending;

    /// <summary>Changes when the password changes or the account is disabled: sessions issued before stop working.</summary>
    public string SecurityStamp { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }

    /// <summary>The subscriptions the last disable suspended (helper S): enabling restores exactly these, not ones an admin suspended.</summary>
    public List<string>? SuspendedSubscriptionIds { get; set; }
}

internal static class AccountStates
{
    /// <summary>Signed up, waiting for an admin (self-service sign-up with approval).</summary>
    public const string Pending = "pending";

    public const string Active = "active";

    /// <summary>Disabled by an admin: cannot sign in, and its subscriptions stop working at the gateways.</summary>
    public const string Disabled = "disabled";

    public const string Rejected = "rejected";
}

/// <summary>How new consumers get an account (<see cref="PortalSettings.SignUp"/>).</summary>
internal static class SignUpModes
{
    /// <summary>Anyone signs up; an admin approves before the account can sign in.</summary>
    public const string Approval = "approval";

    /// <summary>Only with an invitation link an admin issued; the account is active at once.</summary>
    public const string Invitation = "invitation";
}

/// <summary>The portal's settings (<c>portal/settings.json</c>), edited through the admin API.</summary>
internal sealed class PortalSettings
{
    public string Title { get; set; } = "Developer portal";

    /// <summary>A logo image as a data: URI (served inline, so no external call) or absent.</summary>
    public string? Logo { get; set; }

    /// <summary>Absolute base URL of the gateway that try-it sends requests to (for example https://api.example.com); absent: no try-it.</summary>
    public string? GatewayUrl { get; set; }

    /// <summary>One of <see cref="SignUpModes"/>.</summary>
    public string SignUp { get; set; } = SignUpModes.Approval;
}

/// <summary>What the portal shows of an API beyond its definition (<c>portal/apis/{id}.json</c>): not in snapshots, not in the head record.</summary>
internal sealed class ApiContent
{
    /// <summary>Markdown; rendered with raw HTML disabled and unsafe link schemes dropped.</summary>
    public string? Description { get; set; }

    /// <summary>The OpenAPI document as imported (JSON or YAML text), or absent.</summary>
    public string? OpenApiDocument { get; set; }

    /// <summary>"json" or "yaml": how <see cref="OpenApiDocument"/> is written.</summary>
    public string? OpenApiFormat { get; set; }
}

/// <summary>What the portal shows of a product beyond its definition (<c>portal/products/{id}.json</c>).</summary>
internal sealed class ProductContent
{
    /// <summary>Markdown, rendered as <see cref="ApiContent.Description"/> is.</summary>
    public string? Description { get; set; }
}

internal enum SignUpOutcome
{
    /// <summary>Created and active (invitation): may sign in now.</summary>
    Active,

    /// <summary>Created, waiting for an admin.</summary>
    Pending,

    /// <summary>An account with that email exists (the page does not say so to a stranger: it shows the pending message).</summary>
    Exists,

    /// <summary>Sign-up needs an invitation and none (or an unknown, used or expired one) was given.</summary>
    InvitationRequired,

    /// <summary>Email, name or password fails the rules; <see cref="SignUpResult.Problem"/> says which.</summary>
    Invalid,
}

internal sealed record SignUpResult(SignUpOutcome Outcome, PortalAccount? Account, string? Problem);

/// <summary>Accounts in the store (helper S).</summary>
internal interface IPortalAccounts
{
    /// <summary>The account id for an email (trimmed, lower-cased, hashed): stable and not the email itself.</summary>
    string IdFor(string email);

    Task<PortalAccount?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Creates an account; <paramref name="invitation"/> is the token from an invitation link, if any.</summary>
    Task<SignUpResult> SignUpAsync(string email, string displayName, string password, string? invitation, CancellationToken cancellationToken);

    /// <summary>The account when the password matches (in constant time per hash) whatever its state; null otherwise.</summary>
    Task<PortalAccount?> CheckPasswordAsync(string email, string password, CancellationToken cancellationToken);
}

/// <summary>Portal content and settings in the store (helper S). Reads may be cached briefly; writes go through the admin API.</summary>
internal interface IPortalContent
{
    Task<PortalSettings> GetSettingsAsync(CancellationToken cancellationToken);

    Task<ApiContent?> GetApiAsync(string apiId, CancellationToken cancellationToken);

    Task<ProductContent?> GetProductAsync(string productId, CancellationToken cancellationToken);
}

/// <summary>A consumer's own subscription as the portal shows it; keys only to their owner.</summary>
internal sealed record ConsumerSubscription(string Id, string? Name, string ProductId, string State, string? PrimaryKey, string? SecondaryKey);

internal enum SubscriptionChange
{
    Done,
    NotFound,
    NotAllowed,
    Invalid,
}

/// <summary>
/// Subscriptions owned by portal accounts (helper S). They are ordinary subscriptions in the head record
/// (<c>StoredSubscription.OwnerId</c> = the account id), so they reach the gateways like any other change.
/// Every call checks ownership: another consumer's subscription is <see cref="SubscriptionChange.NotFound"/>.
/// </summary>
internal interface IConsumerSubscriptions
{
    Task<IReadOnlyList<ConsumerSubscription>> ListAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Active at once, or <c>submitted</c> when the product needs approval; refused for unpublished products.</summary>
    Task<(SubscriptionChange Change, ConsumerSubscription? Subscription)> SubscribeAsync(string accountId, string productId, string? name, CancellationToken cancellationToken);

    /// <summary><paramref name="which"/> is "primary" or "secondary".</summary>
    Task<SubscriptionChange> RegenerateAsync(string accountId, string subscriptionId, string which, CancellationToken cancellationToken);

    Task<SubscriptionChange> CancelAsync(string accountId, string subscriptionId, CancellationToken cancellationToken);
}
