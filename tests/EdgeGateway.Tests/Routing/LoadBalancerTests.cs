using EdgeGateway.Routing;

namespace EdgeGateway.Tests.Routing;

public sealed class LoadBalancerTests
{
    private static Destination[] Three() => [new("http://a"), new("http://b"), new("http://c")];

    [Fact]
    public void RoundRobin_SkipsUnhealthyDestinations()
    {
        var destinations = Three();
        destinations[1].SetHealthy(false);
        var balancer = new LoadBalancer("roundRobin");

        var picks = Enumerable.Range(0, 10).Select(_ => balancer.Pick(destinations)!.Address).ToList();

        Assert.DoesNotContain("http://b", picks);
        Assert.Equal(5, picks.Count(p => p == "http://a"));
    }

    [Fact]
    public void AllUnhealthy_PanicModeUsesEveryDestination()
    {
        var destinations = Three();
        foreach (var d in destinations)
        {
            d.SetHealthy(false);
        }

        var balancer = new LoadBalancer("roundRobin");

        Assert.Equal(3, Enumerable.Range(0, 9).Select(_ => balancer.Pick(destinations)!.Address).Distinct().Count());
    }

    [Fact]
    public void LeastRequests_PicksTheIdlestHealthyDestination()
    {
        var destinations = Three();
        destinations[0].RequestStarted();
        destinations[0].RequestStarted();
        destinations[2].RequestStarted();

        Assert.Equal("http://b", new LoadBalancer("leastRequests").Pick(destinations)!.Address);

        destinations[1].SetHealthy(false);
        Assert.Equal("http://c", new LoadBalancer("leastRequests").Pick(destinations)!.Address);
    }

    [Fact]
    public void First_AlwaysTheFirstHealthy()
    {
        var destinations = Three();
        destinations[0].SetHealthy(false);

        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal("http://b", new LoadBalancer("first").Pick(destinations)!.Address));
    }
}
