using EdgeGateway.Routing;

namespace EdgeGateway.Policies;

/// <summary>
/// What one request's forward call is told beyond its route's settings: by retry, forward-request, or its backend's circuit
/// breaker. Made only for a request that has one of them (<see cref="PolicyRun.Forwarding"/>), so every other request's
/// run stays as small as it was.
/// </summary>
internal sealed class ForwardCall
{
    /// <summary>A retry policy ran: the call is retried as it says (see <see cref="Proxy.ResilienceHandler"/>).</summary>
    public Retry? Retry { get; set; }

    /// <summary>forward-request's timeout: replaces the backend's for this call.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// The destination picked through its circuit breaker: the call's outcome is recorded on it. A retry may move the call to
    /// another destination (its in-flight count moves along) when this one's breaker opens meanwhile.
    /// </summary>
    public Destination? Destination { get; set; }

    /// <summary>The call is its destination's half-open probe: its outcome closes or reopens the breaker.</summary>
    public bool Probe { get; set; }

    /// <summary>The backend's status on the answer handed to the forwarder (0: none yet).</summary>
    public int Status { get; set; }

    /// <summary>The call's outcome is on its destination's breaker already (recorded once per client request, not per attempt).</summary>
    public bool Recorded { get; set; }

    /// <summary>A retry condition is being evaluated on this attempt's response: <c>context.Response</c> reads it.</summary>
    public HttpResponseMessage? Attempt { get; set; }

    /// <summary>The call goes through the resilience handler: it is retried, or its outcome counts for a breaker.</summary>
    public bool NeedsHandler => Retry is not null || Destination is not null;
}
