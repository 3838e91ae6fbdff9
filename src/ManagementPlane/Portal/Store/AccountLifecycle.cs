using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Resources;
using ManagementPlane.State;

namespace ManagementPlane.Portal.Store;

/// <summary>
/// Disable, enable and delete: the admin changes that reach an account's subscriptions. The account object and the head
/// record are two objects, so each step is ordered to be safe to repeat: a disable or enable cut short (a crash, a store
/// outage) is finished by asking again.
/// </summary>
internal sealed partial class AccountLifecycle(PortalAccountStore accounts, StateStore store, ILogger<AccountLifecycle> logger)
{
    /// <summary>
    /// Sign-in stops and sessions end first (state + new security stamp, with the subscriptions about to be suspended
    /// remembered), then every active subscription it owns is suspended in one head-record write, so they stop working at
    /// the gateways with the next revision.
    /// </summary>
    public async Task<AccountChange> DisableAsync(string id, CancellationToken cancellationToken)
    {
        var head = (await store.ReadAsync(cancellationToken)).State;
        var active = ActiveOwned(head, id);
        var marked = await accounts.ChangeAsync(id, a =>
        {
            if (a.State is not (AccountStates.Active or AccountStates.Disabled))
            {
                return false;
            }

            a.State = AccountStates.Disabled;
            a.SecurityStamp = PortalAccountStore.NewSecurityStamp();
            a.SuspendedSubscriptionIds = Union(a.SuspendedSubscriptionIds, active);
            return true;
        }, cancellationToken);
        if (marked.Outcome != AccountChangeOutcome.Done)
        {
            return marked;
        }

        var suspended = new List<string>();
        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            suspended.Clear();
            foreach (var subscription in OwnedSubscriptions.Of(state, id).Where(s => s.State == SubscriptionStates.Active))
            {
                subscription.State = SubscriptionStates.Suspended;
                suspended.Add(subscription.Id);
                mutation.Touch(Crud.Key("subscriptions", subscription.Id));
            }

            return null;
        }, cancellationToken);
        if (outcome.Error is not null)
        {
            return new AccountChange(AccountChangeOutcome.Failed, marked.Account, outcome.Error);
        }

        // A subscription created between the first read and the write (a request in flight) is remembered too.
        var result = suspended.Except(active, StringComparer.OrdinalIgnoreCase).Any()
            ? await accounts.ChangeAsync(id, a => Remember(a, suspended), cancellationToken)
            : marked;
        LogDisabled(logger, id, suspended.Count, outcome.State.Revision);
        return result;
    }

    /// <summary>Restores the subscriptions the disable suspended (still suspended: one an admin cancelled since stays so), then lets it sign in.</summary>
    public async Task<AccountChange> EnableAsync(string id, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(id, cancellationToken);
        if (account is null)
        {
            return AccountChange.NotFound;
        }

        if (account.State != AccountStates.Disabled)
        {
            return new AccountChange(AccountChangeOutcome.WrongState, account);
        }

        var restore = new HashSet<string>(account.SuspendedSubscriptionIds ?? [], StringComparer.OrdinalIgnoreCase);
        var restored = 0;
        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            restored = 0;
            foreach (var subscription in OwnedSubscriptions.Of(state, id).Where(s => s.State == SubscriptionStates.Suspended && restore.Contains(s.Id)))
            {
                subscription.State = SubscriptionStates.Active;
                restored++;
                mutation.Touch(Crud.Key("subscriptions", subscription.Id));
            }

            return null;
        }, cancellationToken);
        if (outcome.Error is not null)
        {
            return new AccountChange(AccountChangeOutcome.Failed, account, outcome.Error);
        }

        var result = await accounts.ChangeAsync(id, a =>
        {
            if (a.State != AccountStates.Disabled)
            {
                return false;
            }

            a.State = AccountStates.Active;
            a.SuspendedSubscriptionIds = null;
            return true;
        }, cancellationToken);
        LogEnabled(logger, id, restored, outcome.State.Revision);
        return result;
    }

    /// <summary>Cancels every subscription it owns (one head-record write), then deletes the account object.</summary>
    public async Task<AccountChange> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(id, cancellationToken);
        if (account is null)
        {
            return AccountChange.NotFound;
        }

        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            foreach (var subscription in OwnedSubscriptions.Of(state, id).Where(s => s.State != SubscriptionStates.Cancelled))
            {
                subscription.State = SubscriptionStates.Cancelled;
                mutation.Touch(Crud.Key("subscriptions", subscription.Id));
            }

            return null;
        }, cancellationToken);
        if (outcome.Error is not null)
        {
            return new AccountChange(AccountChangeOutcome.Failed, account, outcome.Error);
        }

        await accounts.DeleteObjectAsync(id, cancellationToken);
        LogDeleted(logger, id, outcome.State.Revision);
        return new AccountChange(AccountChangeOutcome.Done, account);
    }

    private static List<string> ActiveOwned(ManagementState state, string id) =>
        [.. OwnedSubscriptions.Of(state, id).Where(s => s.State == SubscriptionStates.Active).Select(s => s.Id)];

    private static List<string> Union(List<string>? known, IEnumerable<string> more) =>
        [.. (known ?? []).Concat(more).Distinct(StringComparer.OrdinalIgnoreCase)];

    private static bool Remember(PortalAccount account, IEnumerable<string> suspended)
    {
        account.SuspendedSubscriptionIds = Union(account.SuspendedSubscriptionIds, suspended);
        return true;
    }

    [LoggerMessage(EventId = 1503, Level = LogLevel.Information, Message = "Portal account {AccountId} disabled: {Count} subscription(s) suspended (revision {Revision})")]
    private static partial void LogDisabled(ILogger logger, string accountId, int count, long revision);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "Portal account {AccountId} enabled: {Count} subscription(s) restored (revision {Revision})")]
    private static partial void LogEnabled(ILogger logger, string accountId, int count, long revision);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Information, Message = "Portal account {AccountId} deleted; its subscriptions are cancelled (revision {Revision})")]
    private static partial void LogDeleted(ILogger logger, string accountId, long revision);
}
