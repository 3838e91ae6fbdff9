namespace EdgeGateway.Contracts.Snapshot;

/// <summary>
/// A backend's circuit breaker (APIM's backend <c>circuitBreaker</c> rule, loosely): after <see cref="FailureCount"/>
/// consecutive failed calls a destination gets no requests for <see cref="TripDuration"/>; then one request probes it,
/// and its outcome closes the breaker or opens it again. Each destination of the backend has its own breaker.
/// </summary>
public sealed record CircuitBreakerDefinition
{
    /// <summary>Consecutive failed calls that open the breaker (1 to 1000).</summary>
    public int? FailureCount { get; init; }

    /// <summary>How long an open breaker keeps requests away before it lets one probe through.</summary>
    public TimeSpan? TripDuration { get; init; }

    /// <summary>
    /// Backend statuses that count as failures, besides connection failures and timeouts, which always count. Absent: every
    /// 5xx status. Empty: no status counts.
    /// </summary>
    public IReadOnlyList<int>? FailureStatusCodes { get; init; }
}
