namespace EdgeGateway.Contracts.Sync;

/// <summary>
/// <see cref="HeartbeatRequest.Traffic"/>: what one gateway instance served since its last heartbeat the management plane
/// accepted (a beat that failed leaves its counts for the next one, so nothing is lost or counted twice). The durations
/// travel as counts per fixed bucket (<see cref="TrafficBuckets"/>), so the plane can merge instances into a fleet-wide p95
/// (a p95 of p95s would be meaningless).
/// </summary>
public sealed record TrafficSummary
{
    /// <summary>Seconds the window covers: from the build of the last accepted beat (or the start) to the build of this one.</summary>
    public double WindowSeconds { get; init; }

    /// <summary>Requests finished in the window.</summary>
    public long Requests { get; init; }

    /// <summary>Of those, answered 5xx (by the gateway or the backend).</summary>
    public long Errors { get; init; }

    /// <summary>Of those, answered 401, 403 or 429 (a key, a token, an IP filter, a rate limit or quota said no).</summary>
    public long Rejections { get; init; }

    /// <summary>This instance's 95th percentile of the request durations in the window, in milliseconds; null with no requests.</summary>
    public double? P95Ms { get; init; }

    /// <summary>Requests per duration bucket, <see cref="TrafficBuckets.Count"/> entries (the bounds are in <see cref="TrafficBuckets"/>).</summary>
    public long[]? DurationBuckets { get; init; }
}
