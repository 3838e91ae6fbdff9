using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Routing;

/// <summary>
/// Picks a destination among the healthy ones. When none is healthy every destination is eligible
/// ("panic" mode, as YARP and Envoy do): a broken health endpoint must not take the whole API down.
/// </summary>
internal sealed class LoadBalancer(string policy)
{
    private int next = -1;

    public string Policy { get; } = policy;

    public Destination? Pick(Destination[] destinations)
    {
        if (destinations.Length == 1)
        {
            return destinations[0];
        }

        var healthyCount = 0;
        foreach (var d in destinations)
        {
            if (d.IsHealthy)
            {
                healthyCount++;
            }
        }

        var panic = healthyCount == 0;
        var eligible = panic ? destinations.Length : healthyCount;
        return Policy switch
        {
            LoadBalancingPolicies.First => Nth(destinations, 0, panic),
            LoadBalancingPolicies.Random => Nth(destinations, Random.Shared.Next(eligible), panic),
            LoadBalancingPolicies.LeastRequests => Least(destinations, panic),
            LoadBalancingPolicies.PowerOfTwoChoices => TwoChoices(destinations, eligible, panic),
            _ => Nth(destinations, (int)((uint)Interlocked.Increment(ref next) % (uint)eligible), panic),
        };
    }

    private static Destination Nth(Destination[] destinations, int n, bool panic)
    {
        if (panic)
        {
            return destinations[n];
        }

        foreach (var d in destinations)
        {
            if (d.IsHealthy && n-- == 0)
            {
                return d;
            }
        }

        return destinations[0];
    }

    private static Destination Least(Destination[] destinations, bool panic)
    {
        Destination? best = null;
        foreach (var d in destinations)
        {
            if ((panic || d.IsHealthy) && (best is null || d.InFlight < best.InFlight))
            {
                best = d;
            }
        }

        return best ?? destinations[0];
    }

    private static Destination TwoChoices(Destination[] destinations, int eligible, bool panic)
    {
        var a = Nth(destinations, Random.Shared.Next(eligible), panic);
        var b = Nth(destinations, Random.Shared.Next(eligible), panic);
        return b.InFlight < a.InFlight ? b : a;
    }
}
