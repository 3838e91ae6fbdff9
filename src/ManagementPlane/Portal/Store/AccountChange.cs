using ManagementPlane.State;

namespace ManagementPlane.Portal.Store;

/// <summary>What an admin's change to an account came to; the endpoint maps it to an answer.</summary>
internal enum AccountChangeOutcome
{
    Done,
    NotFound,

    /// <summary>The account is not in a state the change applies to (approve a disabled one, say).</summary>
    WrongState,

    /// <summary>The head-record write for its subscriptions was refused (<see cref="AccountChange.Error"/> says why).</summary>
    Failed,
}

internal sealed record AccountChange(AccountChangeOutcome Outcome, PortalAccount? Account, StateError? Error = null)
{
    public static AccountChange NotFound { get; } = new(AccountChangeOutcome.NotFound, null);
}
