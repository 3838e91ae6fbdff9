using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Routing;

/// <summary>A backend's <c>circuitBreaker</c>, compiled once per snapshot: when to open, for how long, which statuses count as failures.</summary>
internal sealed class CircuitBreakerSettings
{
    private readonly bool[]? failureStatuses;

    public CircuitBreakerSettings(CircuitBreakerDefinition definition)
    {
        FailureCount = definition.FailureCount ?? throw new InvalidOperationException("validated circuitBreaker lacks failureCount");
        TripDuration = definition.TripDuration ?? throw new InvalidOperationException("validated circuitBreaker lacks tripDuration");
        if (definition.FailureStatusCodes is { } codes)
        {
            failureStatuses = new bool[600];
            foreach (var code in codes)
            {
                failureStatuses[code] = true;
            }
        }
    }

    public int FailureCount { get; }

    public TimeSpan TripDuration { get; }

    /// <summary>A backend status that counts as a failed call: the listed ones, or every 5xx when none are listed.</summary>
    public bool IsFailure(int status) =>
        failureStatuses is null ? status >= 500 : (uint)status < (uint)failureStatuses.Length && failureStatuses[status];
}
