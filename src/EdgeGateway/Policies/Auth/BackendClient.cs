using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Proxy;

namespace EdgeGateway.Policies.Auth;

/// <summary>
/// The connections to backends that present one client certificate (mutual TLS): its own pool (a TLS connection is bound to
/// the certificate it was opened with), sent through plainly (<see cref="Invoker"/>) or through the retry loop and the breakers'
/// bookkeeping (<see cref="Resilient"/>), as the gateway's own backend client is. Made at load, shared by every revision
/// whose policies use the same certificate, disposed by <see cref="BackendCertificates"/> once none does.
/// </summary>
internal sealed class BackendClient : IDisposable
{
    private readonly SocketsHttpHandler handler;
    private readonly ResilienceHandler resilience;

    public BackendClient(X509Certificate2 certificate, TimeProvider time, ILogger logger, bool propagateTraceContext = false)
    {
        Certificate = certificate;
        handler = BackendHandler.Create(propagateTraceContext); // as the gateway's own backend client, plus the certificate
        handler.SslOptions.ClientCertificates = new X509CertificateCollection { certificate };
        // Offered whatever CAs the server names: APIM presents its certificate the same way.
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        Invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        resilience = new ResilienceHandler(handler, time, logger);
        Resilient = resilience.Invoker;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The plain path: what a request without retry or breaker is sent through.</summary>
    public HttpMessageInvoker Invoker { get; }

    /// <summary>The path through the retry loop and the breakers (see <see cref="ResilienceHandler"/>).</summary>
    public HttpMessageInvoker Resilient { get; }

    /// <summary>The <see cref="ResilienceHandler"/> whose <see cref="ResilienceHandler.Settle"/> records this client's outcomes.</summary>
    public ResilienceHandler Resilience => resilience;

    public void Dispose()
    {
        Invoker.Dispose();
        handler.Dispose();
        Certificate.Dispose();
    }
}
