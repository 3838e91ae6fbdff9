using EdgeGateway.Contracts.Sync;

namespace ManagementPlane.Sync;

/// <summary>
/// The <c>traffic</c> of <c>GET /gateways/{id}/status</c>: each instance's last window as it reported it, and the sum over
/// the <c>current</c> instances (counts and rates added; the p95 read from the merged duration buckets, since percentiles
/// do not add up). Each instance's window is its own (from its previous accepted beat to its last one).
/// </summary>
internal static class FleetTraffic
{
    public static TrafficStatus? Of(TrafficSummary? traffic)
    {
        if (traffic is null)
        {
            return null;
        }

        var p95 = traffic.P95Ms ?? (traffic.DurationBuckets is { } buckets ? TrafficBuckets.Percentile(buckets, 0.95) : null);
        return new TrafficStatus(traffic.WindowSeconds, traffic.Requests, traffic.Errors, traffic.Rejections, Round(p95), Rate(traffic), Instances: null);
    }

    public static TrafficStatus? Sum(IEnumerable<TrafficSummary> live)
    {
        var merged = new long[TrafficBuckets.Count];
        long requests = 0, errors = 0, rejections = 0;
        double perSecond = 0;
        var instances = 0;
        foreach (var traffic in live)
        {
            instances++;
            requests += traffic.Requests;
            errors += traffic.Errors;
            rejections += traffic.Rejections;
            perSecond += Rate(traffic) ?? 0;
            if (traffic.DurationBuckets is { } buckets)
            {
                TrafficBuckets.Merge(merged, buckets);
            }
        }

        return instances == 0 ? null : new TrafficStatus(null, requests, errors, rejections, Round(TrafficBuckets.Percentile(merged, 0.95)), Math.Round(perSecond, 3), instances);
    }

    private static double? Rate(TrafficSummary traffic) =>
        traffic.WindowSeconds > 0 ? Math.Round(traffic.Requests / traffic.WindowSeconds, 3) : null;

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;
}

/// <summary>
/// Traffic in a window: <c>requests</c>, <c>errors</c> (answered 5xx), <c>rejections</c> (answered 401, 403 or 429), <c>p95Ms</c>
/// (null without requests), <c>requestsPerSecond</c>; per instance also <c>windowSeconds</c>; in the sum, <c>instances</c> summed.
/// </summary>
internal sealed record TrafficStatus(double? WindowSeconds, long Requests, long Errors, long Rejections, double? P95Ms, double? RequestsPerSecond, int? Instances);
