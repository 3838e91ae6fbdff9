namespace EdgeGateway.Proxy;

/// <summary>
/// The connection pool settings of every client that forwards to backends: the gateway's own and each
/// authentication-certificate client (which differs only in the certificate it presents). YARP's recommended settings for
/// a proxy's backend client, in one place so the two cannot drift.
/// </summary>
internal static class BackendHandler
{
    public static SocketsHttpHandler Create() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    };
}
