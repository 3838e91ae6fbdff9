namespace EdgeGateway.Contracts.Sync;

/// <summary>
/// The fixed, exponential duration buckets of <see cref="TrafficSummary.DurationBuckets"/>, shared by the gateway (which
/// counts into them) and the management plane (which merges them): bucket <c>i</c> below the last holds durations up to
/// <see cref="UpperBoundMs"/>(i) = 0.25 ms × √2^i (0.25 ms … about 131 s, each bound √2 above the one before: a p95 read
/// from them is within about 20 % of the true value); the last bucket holds everything longer. Fixed, so any two windows
/// can be added bucket by bucket.
/// </summary>
public static class TrafficBuckets
{
    /// <summary>How many buckets a window has (the last one open-ended).</summary>
    public const int Count = 40;

    private const double FirstBoundMs = 0.25;

    /// <summary>The longest duration bucket <paramref name="index"/> holds; +∞ for the last one.</summary>
    public static double UpperBoundMs(int index) =>
        index >= Count - 1 ? double.PositiveInfinity : FirstBoundMs * Math.Pow(2, index / 2.0);

    /// <summary>The bucket a duration falls in (no allocation: called once per request).</summary>
    public static int IndexOf(double milliseconds)
    {
        if (!(milliseconds > FirstBoundMs))
        {
            return 0; // also NaN and negatives: a clock step backwards is not worth an exception on the request path
        }

        // ms ≤ 0.25 × 2^(i/2)  ⇔  i ≥ 2 × log2(ms / 0.25)
        var index = (int)Math.Ceiling(2 * Math.Log2(milliseconds / FirstBoundMs) - 1e-9);
        return Math.Min(index, Count - 1);
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0..1) of the durations counted in <paramref name="buckets"/>, in milliseconds, linearly
    /// interpolated within its bucket (the open-ended last bucket answers its lower bound); null when the buckets are empty.
    /// </summary>
    public static double? Percentile(ReadOnlySpan<long> buckets, double quantile)
    {
        long total = 0;
        foreach (var count in buckets)
        {
            total += count;
        }

        if (total <= 0)
        {
            return null;
        }

        // The rank of the wanted duration among all of them, 1-based (nearest-rank definition).
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            if (buckets[i] <= 0)
            {
                continue;
            }

            if (seen + buckets[i] >= rank)
            {
                var lower = i == 0 ? 0 : UpperBoundMs(i - 1);
                var upper = UpperBoundMs(i);
                if (double.IsPositiveInfinity(upper))
                {
                    return lower;
                }

                return lower + ((upper - lower) * (rank - seen) / buckets[i]);
            }

            seen += buckets[i];
        }

        return UpperBoundMs(Count - 2);
    }

    /// <summary>Adds <paramref name="from"/> into <paramref name="into"/>, bucket by bucket (both <see cref="Count"/> long).</summary>
    public static void Merge(long[] into, ReadOnlySpan<long> from)
    {
        for (var i = 0; i < Math.Min(into.Length, from.Length); i++)
        {
            into[i] += from[i];
        }
    }
}
