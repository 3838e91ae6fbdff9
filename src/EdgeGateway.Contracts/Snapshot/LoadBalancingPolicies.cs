namespace EdgeGateway.Contracts.Snapshot;

/// <summary>The values of <see cref="BackendDefinition.LoadBalancing"/>: how a gateway picks among an API's backend URLs.</summary>
public static class LoadBalancingPolicies
{
    public const string RoundRobin = "roundRobin";
    public const string Random = "random";
    public const string LeastRequests = "leastRequests";
    public const string PowerOfTwoChoices = "powerOfTwoChoices";
    public const string First = "first";

    /// <summary>What an absent value means.</summary>
    public const string Default = RoundRobin;

    /// <summary>Every accepted value, in the order error messages list them.</summary>
    public static IReadOnlyList<string> All { get; } = [RoundRobin, Random, LeastRequests, PowerOfTwoChoices, First];
}
