using EdgeGateway.Contracts.Sync;

namespace EdgeGateway.Contracts.Tests.Sync;

/// <summary>The fixed duration buckets the gateway counts into and the plane merges: placement, p95, merging.</summary>
public sealed class TrafficBucketsTests
{
    private static long[] Durations(params (double Ms, int Times)[] groups)
    {
        var buckets = new long[TrafficBuckets.Count];
        foreach (var (ms, times) in groups)
        {
            buckets[TrafficBuckets.IndexOf(ms)] += times;
        }

        return buckets;
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-3, 0)]
    [InlineData(0.25, 0)]
    [InlineData(0.26, 1)]
    [InlineData(1, 4)]
    [InlineData(1.01, 5)]
    [InlineData(1000, 24)]
    [InlineData(3_600_000, TrafficBuckets.Count - 1)]
    public void IndexOf_Duration_FallsInTheBucketWhoseBoundHoldsIt(double ms, int expected)
    {
        var index = TrafficBuckets.IndexOf(ms);

        Assert.Equal(expected, index);
        Assert.True(Math.Max(ms, 0) <= TrafficBuckets.UpperBoundMs(index));
        Assert.True(index == 0 || ms > TrafficBuckets.UpperBoundMs(index - 1));
    }

    [Fact]
    public void Percentile_95FastAnd5Slow_P95IsFast_96FastAnd4Slow_Too_94And6_IsSlow()
    {
        // Nearest rank: of 100 requests the 95th decides; the slow tail must reach it to move the p95.
        var fastP95 = TrafficBuckets.Percentile(Durations((2, 95), (800, 5)), 0.95)!.Value;
        var slowP95 = TrafficBuckets.Percentile(Durations((2, 94), (800, 6)), 0.95)!.Value;

        Assert.InRange(fastP95, TrafficBuckets.UpperBoundMs(TrafficBuckets.IndexOf(2) - 1), 2.0);
        Assert.InRange(slowP95, 800 / Math.Sqrt(2), 800 * Math.Sqrt(2));
    }

    [Fact]
    public void Percentile_Uniform1To1000Ms_IsWithinABucketOf950()
    {
        var buckets = new long[TrafficBuckets.Count];
        for (var ms = 1; ms <= 1000; ms++)
        {
            buckets[TrafficBuckets.IndexOf(ms)]++;
        }

        Assert.InRange(TrafficBuckets.Percentile(buckets, 0.95)!.Value, 950 / Math.Sqrt(2), 950 * Math.Sqrt(2));
    }

    [Fact]
    public void Percentile_NoRequests_IsNull()
    {
        Assert.Null(TrafficBuckets.Percentile(new long[TrafficBuckets.Count], 0.95));
    }

    [Fact]
    public void Percentile_AllBeyondTheLastBound_IsTheLastBound()
    {
        Assert.Equal(TrafficBuckets.UpperBoundMs(TrafficBuckets.Count - 2), TrafficBuckets.Percentile(Durations((10_000_000, 3)), 0.95));
    }

    [Fact]
    public void Merge_FastInstanceAndSlowInstance_FleetP95IsTheSlowTail_NotAnAverageOfP95s()
    {
        var fast = Durations((1, 100));
        var slow = Durations((400, 10));
        var merged = new long[TrafficBuckets.Count];

        TrafficBuckets.Merge(merged, fast);
        TrafficBuckets.Merge(merged, slow);

        Assert.Equal(110, merged.Sum());
        Assert.True(TrafficBuckets.Percentile(fast, 0.95) <= 1);
        // 110 requests: the 105th is among the 10 slow ones.
        Assert.InRange(TrafficBuckets.Percentile(merged, 0.95)!.Value, 400 / Math.Sqrt(2), 400 * Math.Sqrt(2));
    }
}
