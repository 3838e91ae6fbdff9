namespace EdgeGateway.Contracts.Snapshot;

/// <summary>The values of <see cref="SubscriptionDefinition.State"/> (APIM's names); only an active subscription's keys open anything.</summary>
public static class SubscriptionStates
{
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
    public const string Submitted = "submitted";
    public const string Rejected = "rejected";

    /// <summary>What an absent value means.</summary>
    public const string Default = Active;

    /// <summary>Every accepted value, in the order error messages list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Active, Suspended, Cancelled, Expired, Submitted, Rejected];
}
