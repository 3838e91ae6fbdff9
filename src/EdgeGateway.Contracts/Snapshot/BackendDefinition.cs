namespace EdgeGateway.Contracts.Snapshot;

public sealed record BackendDefinition
{
    /// <summary>One or more absolute http(s) URLs; the path after the API prefix is appended to each URL's path.</summary>
    public IReadOnlyList<string>? Urls { get; init; }

    /// <summary>roundRobin (default), random, leastRequests, powerOfTwoChoices or first: see <see cref="LoadBalancingPolicies"/>.</summary>
    public string? LoadBalancing { get; init; }

    public HealthCheckDefinition? HealthCheck { get; init; }

    /// <summary>Stops sending requests to a destination that keeps failing, for a while: see <see cref="CircuitBreakerDefinition"/>.</summary>
    public CircuitBreakerDefinition? CircuitBreaker { get; init; }

    /// <summary>Time allowed for the backend to answer (and between body chunks); 504 when exceeded. Default 100 s.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>auto (default), http1 or http2 (h2c prior knowledge on http:// URLs): see <see cref="BackendProtocols"/>.</summary>
    public string? Protocol { get; init; }
}

public sealed record HealthCheckDefinition
{
    /// <summary>Path probed on every destination with GET; any 2xx is healthy.</summary>
    public string? Path { get; init; }

    public TimeSpan? Interval { get; init; }

    public TimeSpan? Timeout { get; init; }

    /// <summary>Consecutive failures before a destination stops receiving traffic (default 1).</summary>
    public int? UnhealthyThreshold { get; init; }

    /// <summary>Consecutive successes before it receives traffic again (default 1).</summary>
    public int? HealthyThreshold { get; init; }
}
