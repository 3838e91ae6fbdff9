namespace EdgeGateway.Routing;

/// <summary>
/// The destinations of the runtime being replaced, by API and address. A new snapshot compiles new routes, but a backend
/// whose API and address are unchanged is the same backend: it keeps what the gateway learned about it (failed health
/// probes, requests in flight that least-requests and power-of-two-choices count). Keyed per API because each API
/// probes with its own health check and the prober writes a destination's counters from one loop.
/// </summary>
internal sealed class DestinationCarryOver
{
    private readonly Dictionary<(string ApiId, string Address), Destination> previous = [];

    public DestinationCarryOver(GatewayRuntime? runtime)
    {
        foreach (var api in runtime?.Apis ?? [])
        {
            foreach (var destination in api.Cluster.Destinations)
            {
                previous.TryAdd((api.Id, destination.Address), destination);
            }
        }
    }

    /// <summary>
    /// The previous runtime's destination for this API and address, or null for a new one. When the new config does not
    /// health-check the API (<paramref name="probed"/> false), nothing would ever mark a carried-over destination healthy
    /// again, so it starts healthy, as a new one would; its in-flight count still carries over.
    /// </summary>
    public Destination? Take(string apiId, string url, bool probed)
    {
        if (!previous.Remove((apiId, Destination.Normalize(url)), out var destination))
        {
            return null;
        }

        if (!probed)
        {
            destination.ConsecutiveFailures = 0;
            destination.ConsecutiveSuccesses = 0;
            destination.SetHealthy(true);
        }

        return destination;
    }
}
