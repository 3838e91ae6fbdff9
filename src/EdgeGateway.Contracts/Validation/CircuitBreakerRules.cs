using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>A backend's <c>circuitBreaker</c>: a failure count of one or more, a trip duration a gateway can keep, statuses that are HTTP statuses.</summary>
internal static class CircuitBreakerRules
{
    public const int MaxFailureCount = 1000;

    private static readonly TimeSpan ShortestTrip = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan LongestTrip = TimeSpan.FromDays(1);

    public static void Validate(string path, CircuitBreakerDefinition breaker, ValidationContext context)
    {
        if (breaker.FailureCount is not { } count)
        {
            context.Error($"{path}.failureCount", "required (consecutive failures that open the breaker)");
        }
        else if (count is < 1 or > MaxFailureCount)
        {
            context.Error($"{path}.failureCount", $"must be 1 to {MaxFailureCount}");
        }

        if (breaker.TripDuration is not { } trip)
        {
            context.Error($"{path}.tripDuration", "required (how long the breaker stays open, like \"00:00:30\")");
        }
        else if (trip < ShortestTrip || trip > LongestTrip)
        {
            context.Error($"{path}.tripDuration", "must be from 00:00:00.1 to 1.00:00:00");
        }

        var codes = breaker.FailureStatusCodes ?? [];
        for (var i = 0; i < codes.Count; i++)
        {
            if (codes[i] is < 100 or > 599)
            {
                context.Error($"{path}.failureStatusCodes[{i}]", "expected an HTTP status, 100 to 599");
            }
        }
    }
}
