using System.Net;
using EdgeGateway.Contracts.Snapshot;
using Yarp.ReverseProxy.Forwarder;

namespace EdgeGateway.Routing;

/// <summary>An API's backend: its destinations, how to pick one, and how to talk to it.</summary>
internal sealed class BackendCluster
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(100);

    public BackendCluster(string apiId, BackendDefinition backend, DestinationCarryOver? carryOver = null, TimeProvider? time = null)
    {
        ApiId = apiId;
        HealthCheck = backend.HealthCheck;
        Destinations = [.. backend.Urls!.Select(u => carryOver?.Take(apiId, u, HealthCheck is not null) ?? new Destination(u))];
        Time = time ?? TimeProvider.System;
        Breaker = backend.CircuitBreaker is { } breaker ? new CircuitBreakerSettings(breaker) : null;
        if (Breaker is null)
        {
            foreach (var destination in Destinations)
            {
                destination.Circuit.Reset(); // a breaker removed from the config lets its destinations go
            }
        }

        Balancer = new LoadBalancer(backend.LoadBalancing ?? LoadBalancingPolicies.Default);
        var timeout = Timeout = backend.Timeout ?? DefaultTimeout;
        var protocol = backend.Protocol ?? BackendProtocols.Default;

        // http1: exact 1.1. http2: exact 2 (h2c prior knowledge on http://, ALPN on https://).
        // auto: 2 with fallback over TLS (ALPN decides), 1.1 on cleartext; gRPC asks for h2c below.
        Http = protocol switch
        {
            BackendProtocols.Http1 => Config(timeout, HttpVersion.Version11, HttpVersionPolicy.RequestVersionExact),
            BackendProtocols.Http2 => Config(timeout, HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact),
            _ => Config(timeout, HttpVersion.Version20, HttpVersionPolicy.RequestVersionOrLower),
        };
        Grpc = protocol == BackendProtocols.Http1 ? Http : Config(timeout, HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact);
        CleartextAuto = protocol == BackendProtocols.Auto ? Config(timeout, HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower) : Http;
    }

    public string ApiId { get; }

    public Destination[] Destinations { get; }

    public LoadBalancer Balancer { get; }

    public HealthCheckDefinition? HealthCheck { get; }

    /// <summary>The backend's circuit breaker, or null: without one no breaker state is ever consulted.</summary>
    public CircuitBreakerSettings? Breaker { get; }

    /// <summary>The clock of the breakers' trip durations (the policies' clock).</summary>
    public TimeProvider Time { get; }

    /// <summary>The backend's request timeout (what a forward-request timeout replaces for one request).</summary>
    public TimeSpan Timeout { get; }

    public ForwarderRequestConfig Http { get; }

    public ForwarderRequestConfig Grpc { get; }

    private ForwarderRequestConfig CleartextAuto { get; }

    /// <summary>The request settings for a call to <paramref name="address"/> (a destination's, or a policy's override).</summary>
    public ForwarderRequestConfig ConfigFor(HttpRequest request, string address)
    {
        if (request.ContentType is { } ct && ct.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            return Grpc;
        }

        return address.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? CleartextAuto : Http;
    }

    /// <summary>
    /// With a circuit breaker: the balancer's pick when its breaker lets the request through, else the first other destination
    /// whose breaker does (healthy ones before unhealthy ones); null when every breaker is open. <paramref name="probe"/>: the
    /// request is the half-open probe of the one picked. <paramref name="timeout"/>: the request's timeout (default: the
    /// backend's); a probe still in flight after it is given up.
    /// </summary>
    public Destination? PickClosed(out bool probe, TimeSpan? timeout = null)
    {
        var probeTimeout = timeout ?? Timeout;
        var settings = Breaker!;
        var now = Time.GetUtcNow();
        var picked = Balancer.Pick(Destinations)!;
        if (picked.Circuit.TryEnter(settings, now, out probe, probeTimeout))
        {
            return picked;
        }

        foreach (var healthy in (ReadOnlySpan<bool>)[true, false])
        {
            foreach (var d in Destinations)
            {
                if (d != picked && d.IsHealthy == healthy && d.Circuit.TryEnter(settings, now, out probe, probeTimeout))
                {
                    return d;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// For a retry whose destination's breaker is no longer closed: another destination whose breaker is closed (healthy ones
    /// first), or null. Never a half-open one: a retry is not a probe.
    /// </summary>
    public Destination? PickOtherClosed(Destination current)
    {
        foreach (var healthy in (ReadOnlySpan<bool>)[true, false])
        {
            foreach (var d in Destinations)
            {
                if (d != current && d.IsHealthy == healthy && d.Circuit.State == CircuitState.Closed)
                {
                    return d;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Every breaker is open: how long until the first lets a probe through (at least a second, for Retry-After); a second
    /// when a probe is out.
    /// </summary>
    public TimeSpan UntilProbe()
    {
        var now = Time.GetUtcNow();
        var soonest = TimeSpan.MaxValue;
        foreach (var d in Destinations)
        {
            // Half-open: its probe is out and decides soon (its OpenUntil is only the probe's give-up time).
            var wait = d.Circuit.State == CircuitState.HalfOpen ? TimeSpan.Zero : d.Circuit.OpenUntil - now;
            soonest = wait < soonest ? wait : soonest;
        }

        return soonest < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : soonest;
    }

    private static ForwarderRequestConfig Config(TimeSpan timeout, Version version, HttpVersionPolicy policy) =>
        new() { ActivityTimeout = timeout, Version = version, VersionPolicy = policy };
}
