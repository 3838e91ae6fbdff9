using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Routing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Routing;

/// <summary>The breaker's states on a fake clock, and how a cluster with breakers picks destinations.</summary>
public sealed class CircuitBreakerTests
{
    private static readonly CircuitBreakerSettings ThreeIn30s = new(new CircuitBreakerDefinition { FailureCount = 3, TripDuration = TimeSpan.FromSeconds(30) });

    private readonly FakeTimeProvider clock = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void Record_ConsecutiveFailuresReachTheCount_Opens()
    {
        var breaker = new CircuitBreaker();

        Assert.Null(Fail(breaker));
        Assert.Null(Fail(breaker));
        Assert.Equal(CircuitState.Open, Fail(breaker));

        Assert.False(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out _));
    }

    [Fact]
    public void Record_SuccessBetweenFailures_StartsCountingAgain()
    {
        var breaker = new CircuitBreaker();
        Fail(breaker);
        Fail(breaker);
        breaker.Record(ThreeIn30s, failed: false, probe: false, clock.GetUtcNow());
        Fail(breaker);
        Fail(breaker);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out var probe));
        Assert.False(probe);
    }

    [Fact]
    public void TryEnter_AfterTripDuration_LetsExactlyOneProbeThrough()
    {
        var breaker = Opened();

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out _));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out var probe));
        Assert.True(probe);
        Assert.False(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out _)); // one probe at a time
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
    }

    [Fact]
    public void Record_ProbeSucceeds_Closes()
    {
        var breaker = Opened();
        clock.Advance(TimeSpan.FromSeconds(30));
        breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out var probe);

        Assert.Equal(CircuitState.Closed, breaker.Record(ThreeIn30s, failed: false, probe, clock.GetUtcNow()));
        Assert.True(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out var next));
        Assert.False(next);
    }

    [Fact]
    public void Record_ProbeFails_OpensForAnotherTripDuration()
    {
        var breaker = Opened();
        clock.Advance(TimeSpan.FromSeconds(30));
        breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out var probe);

        Assert.Equal(CircuitState.Open, breaker.Record(ThreeIn30s, failed: true, probe, clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out _));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out probe));
        Assert.True(probe);
    }

    [Fact]
    public void Record_LateOutcomeOfACallSentBeforeOpening_ChangesNothing()
    {
        var breaker = Opened();
        clock.Advance(TimeSpan.FromSeconds(30));
        breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out _);

        Assert.Null(breaker.Record(ThreeIn30s, failed: false, probe: false, clock.GetUtcNow()));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
    }

    [Fact]
    public void TryEnter_ProbeStillInFlightAfterATripDuration_NoSecondProbeUntilItsRequestTimeout()
    {
        var breaker = Opened();
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out var probe, probeTimeout: TimeSpan.FromSeconds(100)));
        Assert.True(probe);

        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.False(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out _, TimeSpan.FromSeconds(100))); // the first probe may still answer

        clock.Advance(TimeSpan.FromSeconds(70));
        Assert.True(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out probe, TimeSpan.FromSeconds(100))); // lost for good: given up
        Assert.True(probe);
    }

    [Fact]
    public void Release_ProbeWithoutOutcome_TheNextRequestProbesAtOnce()
    {
        var breaker = Opened();
        clock.Advance(TimeSpan.FromSeconds(30));
        breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out _, TimeSpan.FromSeconds(100));

        breaker.Release(clock.GetUtcNow());

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.True(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out var probe, TimeSpan.FromSeconds(100)));
        Assert.True(probe);
        Assert.False(breaker.TryEnter(ThreeIn30s, clock.GetUtcNow(), out _, TimeSpan.FromSeconds(100))); // and again only one
    }

    [Fact]
    public void Release_BreakerNotHalfOpen_ChangesNothing()
    {
        var open = Opened();
        open.Release(clock.GetUtcNow());
        Assert.False(open.TryEnter(ThreeIn30s, clock.GetUtcNow(), out _)); // an open breaker keeps its trip duration

        var closed = new CircuitBreaker();
        closed.Release(clock.GetUtcNow());
        Assert.Equal(CircuitState.Closed, closed.State);
    }

    [Fact]
    public void UntilProbe_AProbeIsOut_ASecondNotItsGiveUpTime()
    {
        var cluster = Cluster("http://a");
        Open(cluster.Destinations[0]);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.NotNull(cluster.PickClosed(out var probe, TimeSpan.FromSeconds(100)));
        Assert.True(probe);

        Assert.Null(cluster.PickClosed(out _));
        Assert.Equal(TimeSpan.FromSeconds(1), cluster.UntilProbe()); // Retry-After: the probe decides soon
    }

    [Fact]
    public void PickOtherClosed_SkipsTheCurrentAndEveryBreakerNotClosed()
    {
        var cluster = Cluster("http://a", "http://b", "http://c");
        Open(cluster.Destinations[1]);
        Open(cluster.Destinations[2]);
        clock.Advance(TimeSpan.FromSeconds(30));
        cluster.Destinations[2].Circuit.TryEnter(cluster.Breaker!, clock.GetUtcNow(), out _); // half-open: a retry is not its probe

        Assert.Null(cluster.PickOtherClosed(cluster.Destinations[0]));
        Assert.Same(cluster.Destinations[0], cluster.PickOtherClosed(cluster.Destinations[1]));
    }

    [Theory]
    [InlineData(null, 500, true)]
    [InlineData(null, 503, true)]
    [InlineData(null, 429, false)]
    [InlineData(null, 200, false)]
    [InlineData(new[] { 429, 503 }, 429, true)]
    [InlineData(new[] { 429, 503 }, 500, false)]
    [InlineData(new int[0], 500, false)]
    public void IsFailure_Status_Every5xxUnlessListed(int[]? listed, int status, bool failure)
    {
        var settings = new CircuitBreakerSettings(new CircuitBreakerDefinition { FailureCount = 1, TripDuration = TimeSpan.FromSeconds(1), FailureStatusCodes = listed });

        Assert.Equal(failure, settings.IsFailure(status));
    }

    [Fact]
    public void PickClosed_OneDestinationOpen_OthersTakeTheRequests()
    {
        var cluster = Cluster("http://a", "http://b");
        Open(cluster.Destinations[0]);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("http://b", cluster.PickClosed(out _)!.Address);
        }
    }

    [Fact]
    public void PickClosed_AllOpen_NoneUntilTheFirstTripEnds()
    {
        var cluster = Cluster("http://a", "http://b");
        Open(cluster.Destinations[0]);
        clock.Advance(TimeSpan.FromSeconds(10));
        Open(cluster.Destinations[1]);

        Assert.Null(cluster.PickClosed(out _));
        Assert.Equal(TimeSpan.FromSeconds(20), cluster.UntilProbe());
        clock.Advance(TimeSpan.FromSeconds(20));
        var probed = cluster.PickClosed(out var probe);
        Assert.Equal("http://a", probed!.Address);
        Assert.True(probe);
    }

    [Theory]
    [InlineData(true, "Open")]
    [InlineData(false, "Closed")]
    public void NewConfig_SameDestination_BreakerStateCarriedOverWhileTheBackendKeepsABreaker(bool keepsBreaker, string after)
    {
        var first = new GatewayRuntime(Snapshot(breaker: true), "test", DateTimeOffset.UnixEpoch);
        var destination = first.Apis[0].Cluster.Destinations[0];
        Open(destination);

        var next = new GatewayRuntime(Snapshot(keepsBreaker), "test", DateTimeOffset.UnixEpoch, previous: first);

        Assert.Same(destination, next.Apis[0].Cluster.Destinations[0]);
        Assert.Equal(after, destination.Circuit.State.ToString());
    }

    private CircuitState? Fail(CircuitBreaker breaker) => breaker.Record(ThreeIn30s, failed: true, probe: false, clock.GetUtcNow());

    private CircuitBreaker Opened()
    {
        var breaker = new CircuitBreaker();
        Fail(breaker);
        Fail(breaker);
        Fail(breaker);
        return breaker;
    }

    private void Open(Destination destination)
    {
        for (var i = 0; i < 3; i++)
        {
            Fail(destination.Circuit);
        }
    }

    private BackendCluster Cluster(params string[] urls) => new("api", new BackendDefinition
    {
        Urls = urls,
        CircuitBreaker = new CircuitBreakerDefinition { FailureCount = 3, TripDuration = TimeSpan.FromSeconds(30) },
    }, time: clock);

    private static GatewaySnapshot Snapshot(bool breaker) => new()
    {
        SchemaVersion = 1,
        Apis = [new ApiDefinition
        {
            Id = "api",
            Path = "/api",
            Backend = new BackendDefinition
            {
                Urls = ["http://a"],
                CircuitBreaker = breaker ? new CircuitBreakerDefinition { FailureCount = 3, TripDuration = TimeSpan.FromSeconds(30) } : null,
            },
        }],
    };
}
