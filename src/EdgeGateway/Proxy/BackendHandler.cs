namespace EdgeGateway.Proxy;

/// <summary>
/// The connection pool settings of every client that forwards to backends: the gateway's own and each
/// authentication-certificate client (which differs only in the certificate it presents). YARP's recommended settings for
/// a proxy's backend client, in one place so the two cannot drift.
/// </summary>
internal static class BackendHandler
{
    /// <summary>
    /// A backend handler. <paramref name="propagateTraceContext"/> only when something uses the trace (a trace exporter or the
    /// access log's CorrelationId): the propagator makes SocketsHttpHandler start an <c>HttpRequestOut</c> activity and write
    /// a traceparent on every forward, which a gateway nobody traces should not pay for. Without it the client's own trace
    /// headers reach the backend untouched, as through any plain proxy.
    /// </summary>
    public static SocketsHttpHandler Create(bool propagateTraceContext) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        // The gateway's trace context replaces the client's on the way to the backend (YARP's propagator removes the
        // client's traceparent/tracestate, then injects the current activity's). Only runs when an activity exists.
        ActivityHeadersPropagator = propagateTraceContext
            ? new Yarp.ReverseProxy.Forwarder.ReverseProxyPropagator(System.Diagnostics.DistributedContextPropagator.CreateDefaultPropagator())
            : null,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    };
}
