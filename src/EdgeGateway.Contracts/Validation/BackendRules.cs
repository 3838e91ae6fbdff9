using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>An API's <c>backend</c>: absolute, distinct http(s) URLs, a known balancing policy and protocol, a sane timeout, its health check and circuit breaker.</summary>
internal static class BackendRules
{
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromHours(1);

    public static void Validate(string path, BackendDefinition? backend, ValidationContext context)
    {
        if (backend is null)
        {
            context.Error(path, "required");
            return;
        }

        Urls($"{path}.urls", backend.Urls, context);
        context.OneOf($"{path}.loadBalancing", backend.LoadBalancing, LoadBalancingPolicies.All);
        context.OneOf($"{path}.protocol", backend.Protocol, BackendProtocols.All);
        if (backend.Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > LongestTimeout))
        {
            context.Error($"{path}.timeout", "must be more than zero and at most 01:00:00");
        }

        if (backend.HealthCheck is { } healthCheck)
        {
            HealthCheckRules.Validate($"{path}.healthCheck", healthCheck, context);
        }

        if (backend.CircuitBreaker is { } breaker)
        {
            CircuitBreakerRules.Validate($"{path}.circuitBreaker", breaker, context);
        }
    }

    private static void Urls(string path, IReadOnlyList<string>? urls, ValidationContext context)
    {
        if (urls is null || urls.Count == 0)
        {
            context.Error(path, "at least one backend URL is required");
            return;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var j = 0; j < urls.Count; j++)
        {
            var url = urls[j];
            if (Policies.RequestLine.BaseUrlError(url ?? "") is { } error)
            {
                context.Error($"{path}[{j}]", error);
            }
            else if (!seen.Add(new Uri(url!).GetLeftPart(UriPartial.Path).TrimEnd('/')))
            {
                context.Error($"{path}[{j}]", "duplicate backend URL");
            }
        }
    }
}
