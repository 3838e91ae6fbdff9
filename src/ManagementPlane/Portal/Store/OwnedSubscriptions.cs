using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.State;

namespace ManagementPlane.Portal.Store;

/// <summary>How a portal account's subscriptions are found in the head record, and what the portal shows of one.</summary>
internal static class OwnedSubscriptions
{
    public static bool IsOwnedBy(StoredSubscription subscription, string accountId) =>
        string.Equals(subscription.OwnerId, accountId, StringComparison.Ordinal);

    public static IEnumerable<StoredSubscription> Of(ManagementState state, string accountId) =>
        state.Subscriptions.Where(s => IsOwnedBy(s, accountId));

    /// <summary>The subscription when <paramref name="accountId"/> owns it; another's is as absent as an unknown id.</summary>
    public static StoredSubscription? Find(ManagementState state, string accountId, string subscriptionId) =>
        state.Subscriptions.Find(s => IsOwnedBy(s, accountId) && string.Equals(s.Id, subscriptionId, StringComparison.OrdinalIgnoreCase));

    /// <summary>The product a portal subscription is scoped to ("" for another scope, which the portal never creates).</summary>
    public static string ProductId(StoredSubscription subscription) =>
        SubscriptionScope.TryParse(subscription.Scope, out var scope) && scope.Kind == SubscriptionScopeKind.Product ? scope.Id! : "";
}
