using EdgeGateway.Contracts.Sync;
using ManagementPlane.Hosting;

namespace ManagementPlane.Sync;

/// <summary>
/// Checks a heartbeat's <see cref="TrafficSummary"/> before it is stored: counts that cannot be (negative, or beyond what any
/// gateway serves in a window), a bucket array of another layout, and numbers that are not numbers are a 400 naming the
/// field, never a 500 or a fleet sum thrown off. The limits are far above anything real, because a refused beat leaves the
/// gateway's window to grow into the next one.
/// </summary>
internal static class TrafficValidation
{
    /// <summary>
    /// A million requests a second for three years: anything above is a bug or an attack. Each count, and the sum of one
    /// summary's duration buckets, stays at or below it, so adding up <see cref="MaxInstancesSummed"/> instances' windows
    /// (the fleet sum, the merged buckets' total in the p95) stays far from <see cref="long.MaxValue"/>.
    /// </summary>
    public const long MaxCount = 100_000_000_000_000;

    /// <summary>The most instances a fleet sum adds (<c>Management:Heartbeats:MaxInstancesPerGateway</c>'s upper limit).</summary>
    public const long MaxInstancesSummed = 10_000;

    public static List<ProblemError> Validate(TrafficSummary? traffic)
    {
        var errors = new List<ProblemError>();
        if (traffic is null)
        {
            return errors;
        }

        if (!double.IsFinite(traffic.WindowSeconds) || traffic.WindowSeconds < 0)
        {
            errors.Add(new ProblemError("traffic.windowSeconds", "must be a finite number of seconds, 0 or more"));
        }

        Count(errors, "traffic.requests", traffic.Requests);
        Count(errors, "traffic.errors", traffic.Errors);
        Count(errors, "traffic.rejections", traffic.Rejections);
        if (traffic.P95Ms is { } p95 && (!double.IsFinite(p95) || p95 < 0))
        {
            errors.Add(new ProblemError("traffic.p95Ms", "must be a finite number of milliseconds, 0 or more"));
        }

        if (traffic.DurationBuckets is { } buckets)
        {
            if (buckets.Length != TrafficBuckets.Count)
            {
                errors.Add(new ProblemError("traffic.durationBuckets", $"must have {TrafficBuckets.Count} entries (it has {buckets.Length})"));
            }
            else
            {
                long sum = 0;
                for (var i = 0; i < buckets.Length; i++)
                {
                    Count(errors, $"traffic.durationBuckets[{i}]", buckets[i]);
                    sum += Math.Clamp(buckets[i], 0, MaxCount); // at most 40 x MaxCount: no overflow here either
                }

                if (sum > MaxCount)
                {
                    errors.Add(new ProblemError("traffic.durationBuckets", $"must add up to at most {MaxCount} requests"));
                }
            }
        }

        return errors;
    }

    private static void Count(List<ProblemError> errors, string path, long value)
    {
        if (value is < 0 or > MaxCount)
        {
            errors.Add(new ProblemError(path, $"must be a count from 0 to {MaxCount}"));
        }
    }
}
