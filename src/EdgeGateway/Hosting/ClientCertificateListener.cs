using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace EdgeGateway.Hosting;

/// <summary>
/// The public HTTPS listener's TLS settings, chosen per connection: a connection is asked for a client certificate during
/// the handshake while the current config has a policy that reads one (<see cref="Routing.GatewayRuntime.WantsClientCertificates"/>),
/// or always / never by <c>Gateway:Tls:ClientCertificates</c>. Asked, not required: any certificate, or none, completes the
/// handshake, and the policy decides per request (validate-client-certificate answers 401; an API without it serves a
/// client without a certificate). Asking in the handshake works for HTTP/1.1 and HTTP/2 alike, unlike renegotiation
/// (Kestrel's DelayCertificate), which HTTP/2 forbids and TLS 1.3 clients rarely support. A config change applies to
/// connections opened after it; open ones keep what their handshake asked.
/// </summary>
internal sealed class ClientCertificateListener(X509Certificate2 certificate, string mode, KestrelServerOptions kestrel)
{
    private readonly SslStreamCertificateContext serverCertificate = SslStreamCertificateContext.Create(certificate, additionalCertificates: null);
    private ConfigState? state;

    public static void UseHttps(ListenOptions listen, X509Certificate2 certificate, string mode, KestrelServerOptions kestrel)
    {
        var listener = new ClientCertificateListener(certificate, mode, kestrel);
        listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = listener.OnConnection });
    }

    private ValueTask<SslServerAuthenticationOptions> OnConnection(TlsHandshakeCallbackContext context)
    {
        var ask = mode switch
        {
            "always" => true,
            "never" => false,
            _ => (state ??= kestrel.ApplicationServices.GetService<ConfigState>())?.Current?.WantsClientCertificates == true,
        };

        // A new options object per connection: Kestrel adds the ALPN list to it.
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = serverCertificate,
            ClientCertificateRequired = ask,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (ask)
        {
            // The handshake's own chain check is not the verdict (the policy builds its own, with the operator's CAs):
            // keep it offline and cheap, and accept whatever the client sends.
            options.CertificateChainPolicy = new X509ChainPolicy
            {
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
            };
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }

        return new(options);
    }
}
