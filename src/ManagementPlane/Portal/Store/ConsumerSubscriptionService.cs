using System.Security.Cryptography;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Resources;
using ManagementPlane.State;

namespace ManagementPlane.Portal.Store;

/// <summary>
/// A consumer's own subscriptions (<see cref="IConsumerSubscriptions"/>): ordinary subscriptions in the head record with
/// <see cref="StoredSubscription.OwnerId"/> set, so they reach the gateways like any other change. Only an active account
/// acts; another account's subscription answers <see cref="SubscriptionChange.NotFound"/>, as an unknown id does.
/// </summary>
internal sealed partial class ConsumerSubscriptionService(StateStore store, SecretProtector protector, IPortalAccounts accounts,
    ILogger<ConsumerSubscriptionService> logger) : IConsumerSubscriptions
{
    public const int MaxNameLength = 100;

    public async Task<IReadOnlyList<ConsumerSubscription>> ListAsync(string accountId, CancellationToken cancellationToken)
    {
        var state = (await store.ReadAsync(cancellationToken)).State;
        return [.. OwnedSubscriptions.Of(state, accountId).Select(Show)];
    }

    public async Task<(SubscriptionChange Change, ConsumerSubscription? Subscription)> SubscribeAsync(string accountId, string productId, string? name,
        CancellationToken cancellationToken)
    {
        name = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        if (name is not null && (name.Length > MaxNameLength || name.Any(char.IsControl)))
        {
            return (SubscriptionChange.Invalid, null);
        }

        if (!SnapshotValidator.IsValidId(productId))
        {
            return (SubscriptionChange.NotFound, null);
        }

        if (!await IsActiveAsync(accountId, cancellationToken))
        {
            return (SubscriptionChange.NotAllowed, null);
        }

        var id = "sub-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            var product = state.Products.Find(p => Crud.SameId(p.Id, productId));
            if (product is null || product.State == ProductStates.NotPublished)
            {
                return StateError.NotFound($"no published product with id '{productId}'");
            }

            var subscription = new StoredSubscription
            {
                Id = id,
                Name = name,
                Scope = "products/" + product.Id,
                State = product.ApprovalRequired == true ? SubscriptionStates.Submitted : SubscriptionStates.Active,
                OwnerId = accountId,
            };
            SubscriptionEndpoints.SetKey(subscription, protector, primary: true, SecretProtector.NewKey());
            SubscriptionEndpoints.SetKey(subscription, protector, primary: false, SecretProtector.NewKey());
            state.Subscriptions.Add(subscription);
            mutation.Touch(Crud.Key("subscriptions", id));
            return null;
        }, cancellationToken);

        if (outcome.Error is not null)
        {
            return (outcome.Error.Kind == StateErrorKind.NotFound ? SubscriptionChange.NotFound : SubscriptionChange.Invalid, null);
        }

        var created = OwnedSubscriptions.Find(outcome.State, accountId, id)!;
        LogSubscribed(logger, accountId, id, created.State);
        return (SubscriptionChange.Done, Show(created));
    }

    public async Task<SubscriptionChange> RegenerateAsync(string accountId, string subscriptionId, string which, CancellationToken cancellationToken)
    {
        if (which is not ("primary" or "secondary"))
        {
            return SubscriptionChange.Invalid;
        }

        return await ChangeAsync(accountId, subscriptionId, subscription =>
        {
            if (subscription.State != SubscriptionStates.Active)
            {
                return false;
            }

            SubscriptionEndpoints.SetKey(subscription, protector, primary: which == "primary", SecretProtector.NewKey());
            return true;
        }, cancellationToken);
    }

    public Task<SubscriptionChange> CancelAsync(string accountId, string subscriptionId, CancellationToken cancellationToken) =>
        ChangeAsync(accountId, subscriptionId, subscription =>
        {
            if (subscription.State is not (SubscriptionStates.Active or SubscriptionStates.Submitted or SubscriptionStates.Cancelled))
            {
                return false;
            }

            subscription.State = SubscriptionStates.Cancelled;
            return true;
        }, cancellationToken);

    /// <summary>One owned subscription changed in one head-record write; <paramref name="change"/> returns false when its state forbids it.</summary>
    private async Task<SubscriptionChange> ChangeAsync(string accountId, string subscriptionId, Func<StoredSubscription, bool> change, CancellationToken cancellationToken)
    {
        if (!SnapshotValidator.IsValidId(subscriptionId))
        {
            return SubscriptionChange.NotFound;
        }

        if (!await IsActiveAsync(accountId, cancellationToken))
        {
            return SubscriptionChange.NotAllowed;
        }

        var result = SubscriptionChange.Done;
        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            if (OwnedSubscriptions.Find(state, accountId, subscriptionId) is not { } subscription)
            {
                result = SubscriptionChange.NotFound;
                return StateError.NotFound($"no subscription '{subscriptionId}' of this account");
            }

            if (!change(subscription))
            {
                result = SubscriptionChange.NotAllowed;
                return StateError.Conflict($"subscription '{subscriptionId}' is {subscription.State}");
            }

            result = SubscriptionChange.Done;
            mutation.Touch(Crud.Key("subscriptions", subscription.Id));
            return null;
        }, cancellationToken);
        return outcome.Error is null || result != SubscriptionChange.Done ? result : SubscriptionChange.Invalid;
    }

    private async Task<bool> IsActiveAsync(string accountId, CancellationToken cancellationToken) =>
        await accounts.GetAsync(accountId, cancellationToken) is { State: AccountStates.Active };

    private ConsumerSubscription Show(StoredSubscription s)
    {
        var active = s.State == SubscriptionStates.Active;
        return new ConsumerSubscription(s.Id, s.Name, OwnedSubscriptions.ProductId(s), s.State,
            active ? protector.Unprotect(s.PrimaryKeyProtected, SubscriptionEndpoints.Purpose(s.Id, true)) : null,
            active ? protector.Unprotect(s.SecondaryKeyProtected, SubscriptionEndpoints.Purpose(s.Id, false)) : null);
    }

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "Portal account {AccountId} subscribed: subscription {SubscriptionId} ({State})")]
    private static partial void LogSubscribed(ILogger logger, string accountId, string subscriptionId, string state);
}
