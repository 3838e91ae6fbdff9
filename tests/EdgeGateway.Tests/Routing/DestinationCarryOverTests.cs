using System.Text;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Routing;

namespace EdgeGateway.Tests.Routing;

/// <summary>A swap keeps what the gateway knows about a backend whose API and address are unchanged.</summary>
public sealed class DestinationCarryOverTests
{
    private const string HealthCheck = """, "healthCheck": { "path": "/health" }""";

    private static GatewayRuntime Runtime(string urls, string extra = HealthCheck, GatewayRuntime? previous = null, string apiId = "a")
    {
        var parsed = SnapshotReader.Parse(Encoding.UTF8.GetBytes($$"""
            { "schemaVersion": 1, "apis": [ { "id": "{{apiId}}", "path": "/a", "subscriptionRequired": false,
              "backend": { "urls": {{urls}}{{extra}} } } ] }
            """));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return new GatewayRuntime(parsed.Snapshot!, "test", DateTimeOffset.UnixEpoch, previous: previous);
    }

    private static Destination[] Destinations(GatewayRuntime runtime) => runtime.Apis[0].Cluster.Destinations;

    [Fact]
    public void Swap_SameAddress_KeepsHealthAndInFlight()
    {
        var before = Runtime("""["http://10.0.0.1:80", "http://10.0.0.2:80"]""");
        Destinations(before)[0].SetHealthy(false);
        Destinations(before)[0].ConsecutiveFailures = 3;
        Destinations(before)[1].RequestStarted();

        var after = Runtime("""["http://10.0.0.1:80/", "http://10.0.0.2:80"]""", previous: before);

        Assert.False(Destinations(after)[0].IsHealthy);
        Assert.Equal(3, Destinations(after)[0].ConsecutiveFailures);
        Assert.Equal(1, Destinations(after)[1].InFlight);
    }

    [Fact]
    public void Swap_RequestStartedBeforeEndsAfter_CountReturnsToZero()
    {
        var before = Runtime("""["http://10.0.0.1:80"]""");
        var held = Destinations(before)[0];
        held.RequestStarted();

        var after = Runtime("""["http://10.0.0.1:80"]""", previous: before);
        held.RequestEnded(); // the request the old runtime started ends on the same destination

        Assert.Equal(0, Destinations(after)[0].InFlight);
    }

    [Fact]
    public void Swap_NewAddress_StartsHealthyAndIdle()
    {
        var before = Runtime("""["http://10.0.0.1:80"]""");
        Destinations(before)[0].SetHealthy(false);
        Destinations(before)[0].RequestStarted();

        var after = Runtime("""["http://10.0.0.9:80"]""", previous: before);

        Assert.True(Destinations(after)[0].IsHealthy);
        Assert.Equal(0, Destinations(after)[0].InFlight);
    }

    [Fact]
    public void Swap_SameAddressOtherApi_NothingCarriesOver()
    {
        var before = Runtime("""["http://10.0.0.1:80"]""");
        Destinations(before)[0].SetHealthy(false);

        var after = Runtime("""["http://10.0.0.1:80"]""", previous: before, apiId: "b");

        Assert.True(Destinations(after)[0].IsHealthy);
    }

    [Fact]
    public void Swap_HealthCheckRemoved_DestinationHealthyAgainButInFlightKept()
    {
        var before = Runtime("""["http://10.0.0.1:80"]""");
        Destinations(before)[0].SetHealthy(false);
        Destinations(before)[0].RequestStarted();

        var after = Runtime("""["http://10.0.0.1:80"]""", extra: "", previous: before);

        Assert.True(Destinations(after)[0].IsHealthy); // nothing would ever probe it back
        Assert.Equal(1, Destinations(after)[0].InFlight);
    }
}
