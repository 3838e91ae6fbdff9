using System.Diagnostics;
using EdgeGateway.Telemetry.Export;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>
/// The default sampler: about 5 new traces per second whatever the load, every trace when there are fewer, a caller's
/// sampled flag followed, and Application Insights told the share kept. Time is a FakeTimeProvider; trace ids come from a
/// seeded generator, so every count here is the same on every run.
/// </summary>
public sealed class RateLimitedSamplerTests
{
    [Fact]
    public void FewerRequestsThanTheRate_EveryTraceKept_At100Percent()
    {
        var time = new FakeTimeProvider();
        var sampler = new RateLimitedSampler(5, time);
        var ids = new TraceIds(1);
        for (var second = 0; second < 10; second++)
        {
            for (var i = 0; i < 3; i++)
            {
                var result = sampler.ShouldSample(Root(ids.Next()));
                Assert.Equal(SamplingDecision.RecordAndSample, result.Decision);
                Assert.Equal(100.0, SampleRate(result));
            }

            time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void ThousandRequestsASecond_KeepsAboutFiveASecond_NeverMoreThanTen_AndSaysTheShare()
    {
        var time = new FakeTimeProvider();
        var sampler = new RateLimitedSampler(5, time);
        var ids = new TraceIds(2);
        var keptPerSecond = new List<int>();
        for (var second = 0; second < 20; second++)
        {
            var kept = 0;
            for (var i = 0; i < 1000; i++)
            {
                var result = sampler.ShouldSample(Root(ids.Next()));
                if (result.Decision == SamplingDecision.RecordAndSample)
                {
                    kept++;
                    if (second >= 2)
                    {
                        Assert.Equal(0.5, SampleRate(result)); // 5 of 1,000 a second: 0.5 %, so each counts for 200
                    }
                }

                time.Advance(TimeSpan.FromMilliseconds(1));
            }

            keptPerSecond.Add(kept);
        }

        Assert.All(keptPerSecond, kept => Assert.InRange(kept, 0, 10));
        Assert.Equal(10, keptPerSecond[0]); // the first second knows no rate yet: kept until the cap
        var steady = keptPerSecond.Skip(2).Sum();
        Assert.InRange(steady, 18 * 5 / 2, 18 * 5 * 2); // about 5 a second over the 18 steady seconds
    }

    [Fact]
    public void LoadFallsBack_EveryTraceKeptAgainWithinSeconds()
    {
        var time = new FakeTimeProvider();
        var sampler = new RateLimitedSampler(5, time);
        var ids = new TraceIds(3);
        for (var i = 0; i < 5000; i++)
        {
            sampler.ShouldSample(Root(ids.Next()));
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.True(sampler.Probability < 0.01, $"{sampler.Probability}");
        // The measured rate is averaged with the one before, so it halves each quiet second: 1,000 is under 5 after 8.
        for (var second = 0; second < 10; second++)
        {
            sampler.ShouldSample(Root(ids.Next()));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(1.0, sampler.Probability);
    }

    [Fact]
    public void Default_FollowsTheCallersSampledFlag()
    {
        var sampler = StandardSampler.FromConfiguration(new ConfigurationBuilder().Build(), new FakeTimeProvider());
        var ids = new TraceIds(4);
        var sampledParent = new ActivityContext(ids.Next(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var droppedParent = new ActivityContext(ids.Next(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(Child(sampledParent)).Decision);
        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(Child(droppedParent)).Decision);
    }

    [Theory]
    [InlineData(null, null, StandardSampler.DefaultDescription)]
    [InlineData("nonsense", null, StandardSampler.DefaultDescription)]
    [InlineData("parentbased_always_on", null, "parentbased_always_on")]
    [InlineData("microsoft.rate_limited", "2", "microsoft.rate_limited 2")]
    [InlineData("parentbased_traceidratio", "0.25", "parentbased_traceidratio 0.25")]
    public void Describe_NamesTheSamplerInForce(string? name, string? arg, string expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_TRACES_SAMPLER"] = name,
            ["OTEL_TRACES_SAMPLER_ARG"] = arg,
        }).Build();
        Assert.Equal(expected, StandardSampler.Describe(config));
    }

    [Fact]
    public void RateLimitedWithAnArgument_CapsAtTwiceIt()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_TRACES_SAMPLER"] = "microsoft.rate_limited",
            ["OTEL_TRACES_SAMPLER_ARG"] = "2",
        }).Build();
        var sampler = StandardSampler.FromConfiguration(config, new FakeTimeProvider());
        var ids = new TraceIds(5);
        var kept = Enumerable.Range(0, 100).Count(_ => sampler.ShouldSample(Root(ids.Next())).Decision == SamplingDecision.RecordAndSample);
        Assert.Equal(4, kept);
    }

    [Fact]
    public void FixedPercentage_KeepsThatShareOfTraces_AndSaysSo()
    {
        var ours = new SampleRateRatioSampler(0.25);
        var ids = new TraceIds(6);
        var kept = 0;
        for (var i = 0; i < 2000; i++)
        {
            var parameters = Root(ids.Next());
            var result = ours.ShouldSample(parameters);
            Assert.Equal(result.Decision, ours.ShouldSample(parameters).Decision); // decided by the trace id alone
            if (result.Decision == SamplingDecision.RecordAndSample)
            {
                kept++;
                Assert.Equal(25.0, SampleRate(result));
            }
        }

        Assert.InRange(kept, 400, 600);
    }

    private static SamplingParameters Root(ActivityTraceId traceId) => new(default, traceId, "GET /x", ActivityKind.Server);

    private static SamplingParameters Child(ActivityContext parent) => new(parent, parent.TraceId, "GET /x", ActivityKind.Server);

    private static double? SampleRate(SamplingResult result) =>
        result.Attributes.FirstOrDefault(a => a.Key == RateLimitedSampler.SampleRateAttribute).Value as double?;

    /// <summary>Trace ids from a seeded generator: random-looking, the same on every run.</summary>
    private sealed class TraceIds(int seed)
    {
        private readonly Random random = new(seed);

        public ActivityTraceId Next()
        {
            Span<byte> bytes = stackalloc byte[16];
            random.NextBytes(bytes);
            return ActivityTraceId.CreateFromBytes(bytes);
        }
    }
}
