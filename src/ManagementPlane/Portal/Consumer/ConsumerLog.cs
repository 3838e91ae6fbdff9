namespace ManagementPlane.Portal.Consumer;

/// <summary>The consumer pages' log lines (event ids 1550-1579). Account ids only: never an email, password, key, token or cookie.</summary>
internal static partial class ConsumerLog
{
    [LoggerMessage(EventId = 1550, Level = LogLevel.Information, Message = "Portal account {AccountId} signed in")]
    public static partial void SignedIn(ILogger logger, string accountId);

    [LoggerMessage(EventId = 1551, Level = LogLevel.Information, Message = "Portal sign-in refused for account {AccountId}: wrong password or not active")]
    public static partial void SignInRefused(ILogger logger, string accountId);

    [LoggerMessage(EventId = 1552, Level = LogLevel.Warning, Message = "Portal sign-in throttled for account {AccountId} from {Address}: retry after {RetryAfterSeconds} s")]
    public static partial void SignInThrottled(ILogger logger, string accountId, string? address, int retryAfterSeconds);

    [LoggerMessage(EventId = 1553, Level = LogLevel.Information, Message = "Portal account {AccountId} signed out")]
    public static partial void SignedOut(ILogger logger, string accountId);

    [LoggerMessage(EventId = 1554, Level = LogLevel.Warning, Message = "Refused a portal form post to {Path}: missing or wrong anti-forgery token")]
    public static partial void Forged(ILogger logger, string path);

    [LoggerMessage(EventId = 1555, Level = LogLevel.Information, Message = "Portal sign-up: account {AccountId} {Outcome}")]
    public static partial void SignedUp(ILogger logger, string accountId, SignUpOutcome outcome);

    [LoggerMessage(EventId = 1556, Level = LogLevel.Information, Message = "Portal account {AccountId} subscribed to product {ProductId}: subscription {SubscriptionId} ({State})")]
    public static partial void Subscribed(ILogger logger, string accountId, string productId, string subscriptionId, string state);

    [LoggerMessage(EventId = 1557, Level = LogLevel.Information, Message = "Portal account {AccountId} regenerated the {Which} key of subscription {SubscriptionId}")]
    public static partial void Regenerated(ILogger logger, string accountId, string subscriptionId, string which);

    [LoggerMessage(EventId = 1558, Level = LogLevel.Information, Message = "Portal account {AccountId} cancelled subscription {SubscriptionId}")]
    public static partial void Cancelled(ILogger logger, string accountId, string subscriptionId);

    [LoggerMessage(EventId = 1559, Level = LogLevel.Information, Message = "Portal account {AccountId}: {Action} on subscription {SubscriptionId} refused ({Change})")]
    public static partial void ChangeRefused(ILogger logger, string accountId, string action, string subscriptionId, SubscriptionChange change);
}
