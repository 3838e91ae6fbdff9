namespace EdgeGateway.Configuration;

/// <summary>The <c>Gateway:*</c> settings (DESIGN.md is the contract for their names).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Gateway id as registered in the management plane.</summary>
    public string? Id { get; set; }

    /// <summary>What policy expressions read as <c>context.Deployment.Region</c>; empty unless set.</summary>
    public string? Region { get; set; }

    /// <summary>Standalone mode: a snapshot-format JSON file, signed or not, watched for changes.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>Optional cleartext HTTP/2-only port (h2c prior knowledge, for gRPC clients without TLS).</summary>
    public int? H2cPort { get; set; }

    /// <summary>
    /// A separate listener (like <c>http://127.0.0.1:9090</c>) for the full status JSON: file paths, URLs, store names and
    /// errors stay off the public port, where <c>/status-0123456789abcdef</c> answers empty, as APIM's does.
    /// </summary>
    public string? AdminUrls { get; set; }

    /// <summary>
    /// validate-jwt with openidConfig: the least time between two fetches of a discovery document's keys that tokens with
    /// an unknown key id ask for (key rotation). Bounds what clients with made-up key ids can make the gateway fetch.
    /// </summary>
    public TimeSpan JwtKeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Addresses and CIDR ranges of the proxies in front of the gateway: only from these is <c>X-Forwarded-For</c> believed
    /// for the client address (ip-filter, <c>context.Request.IpAddress</c>). Empty: the socket peer is the client.
    /// </summary>
    public string[]? TrustedProxies { get; set; }

    /// <summary>Entra ID's public cloud: where validate-azure-ad-token fetches a tenant's keys unless <see cref="EntraAuthorityHost"/> says otherwise.</summary>
    public static readonly Uri DefaultEntraAuthorityHost = new("https://login.microsoftonline.com");

    /// <summary>
    /// validate-azure-ad-token's authority host: a sovereign cloud (<c>https://login.microsoftonline.us</c>,
    /// <c>https://login.chinacloudapi.cn</c>) or a test's OpenID Connect server (plain http only on loopback).
    /// </summary>
    public string? EntraAuthorityHost { get; set; }

    /// <summary><see cref="EntraAuthorityHost"/> once validated (GatewaySettings), or the public cloud.</summary>
    internal Uri EntraAuthorityHostUri =>
        string.IsNullOrWhiteSpace(EntraAuthorityHost) ? DefaultEntraAuthorityHost : new Uri(EntraAuthorityHost.Trim());

    /// <summary>How long in-flight requests may finish after SIGTERM.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// Requests run on the socket threads that read them (Kestrel's <c>UnsafePreferInlineScheduling</c>), as nginx's event
    /// loop does, instead of hopping to the thread pool twice per request. The gateway's request path never blocks a
    /// thread; turn it off only for a custom build that does.
    /// </summary>
    public bool InlineScheduling { get; set; } = true;

    public TlsOptions Tls { get; set; } = new();
}

public sealed class TlsOptions
{
    /// <summary>PEM certificate (with <see cref="KeyPath"/>) or a PKCS#12 file (with <see cref="Password"/>).</summary>
    public string? CertificatePath { get; set; }

    public string? KeyPath { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// A PEM bundle of CA certificates that validate-client-certificate trusts besides the system's store: every certificate
    /// in it is a trust anchor for client certificates (put a private CA, or an intermediate, here).
    /// </summary>
    public string? ClientCaPath { get; set; }

    /// <summary>
    /// When the HTTPS listener asks clients for a certificate: <c>auto</c> (default) while a policy of the current config
    /// reads one (validate-client-certificate, <c>context.Request.Certificate</c>), <c>always</c>, or <c>never</c>.
    /// </summary>
    public string? ClientCertificates { get; set; }

    /// <summary>
    /// The request header in which a proxy that ends TLS in front of the gateway forwards the client's certificate
    /// (<c>X-Forwarded-Client-Cert</c> from Azure Container Apps' ingress): read when the connection has none of its own,
    /// only from a socket peer in <see cref="GatewayOptions.TrustedProxies"/>. Empty: off.
    /// </summary>
    public string? ForwardedClientCertificateHeader { get; set; }
}

/// <summary>The <c>Trust:*</c> settings.</summary>
public sealed class TrustOptions
{
    public const string Section = "Trust";

    /// <summary>The management plane's public key, PEM text as <c>GET /signing-key</c> returns it.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Off when unset. A start from a backup is refused when the plane's last signed confirmation (backed up beside the
    /// snapshots) is older than this: a bound on how stale a restarted gateway may be, counted from the plane's last word.
    /// </summary>
    public TimeSpan? MaxSnapshotAge { get; set; }
}
