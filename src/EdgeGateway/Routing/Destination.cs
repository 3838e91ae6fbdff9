namespace EdgeGateway.Routing;

/// <summary>One backend URL of an API, with the live state load balancing and health checks need.</summary>
internal sealed class Destination(string address)
{
    private int inFlight;
    private volatile bool healthy = true;

    /// <summary>The backend URL without a trailing slash; the path after the API prefix is appended to it.</summary>
    public string Address { get; } = Normalize(address);

    public bool IsHealthy => healthy;

    public int InFlight => Volatile.Read(ref inFlight);

    // Written only by the health prober's single loop.
    public int ConsecutiveFailures { get; set; }

    public int ConsecutiveSuccesses { get; set; }

    public void SetHealthy(bool value) => healthy = value;

    /// <summary>Consulted only when the backend has a <c>circuitBreaker</c>; carried over with the destination like its health.</summary>
    public CircuitBreaker Circuit { get; } = new();

    public static string Normalize(string url) => url.TrimEnd('/');

    public void RequestStarted() => Interlocked.Increment(ref inFlight);

    public void RequestEnded() => Interlocked.Decrement(ref inFlight);
}
