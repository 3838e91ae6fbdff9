using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Contracts.Net;

namespace EdgeGateway.Policies.ClientCertificates;

/// <summary>
/// <c>Gateway:Tls:ForwardedClientCertificateHeader</c>: the client certificate a proxy that ended TLS (Azure Container Apps'
/// ingress, nginx, an AWS ALB) forwarded in a header, believed only from a socket peer in <c>Gateway:TrustedProxies</c>.
/// One per process. Certificates are kept by the SHA-256 of their DER bytes (not the SHA-1 thumbprint: two certificates
/// made to share one must not share a verdict), a bounded number for a bounded time, so that requests presenting the same
/// certificate get the same object and <see cref="ClientCertificateTrust"/>'s per-object verdict builds its chain once per
/// distinct certificate, not once per request; the lifetime bounds how long a revocation status found once is reused.
/// </summary>
internal sealed class ForwardedClientCertificates(string header, IpRangeSet trustedProxies, TimeProvider time, ILogger logger)
{
    /// <summary>Distinct certificates kept; past it the expired ones go, and everything when none has.</summary>
    public const int Capacity = 1024;

    /// <summary>How long a certificate (and its chain verdict and revocation status) is reused.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<DerHash, Kept> kept = new();

    public string Header { get; } = header;

    /// <summary>The forwarded certificate of <paramref name="http"/>; null without the header, from an untrusted peer, or when it does not parse.</summary>
    public X509Certificate2? Read(HttpContext http)
    {
        var lines = http.Request.Headers[Header];
        if (lines.Count == 0)
        {
            return null;
        }

        if (http.Connection.RemoteIpAddress is not { } peer || trustedProxies.IsEmpty || !trustedProxies.Contains(peer))
        {
            ForwardedCertificateLog.Ignored(logger, Header, "the socket peer is not in Gateway:TrustedProxies");
            return null;
        }

        if (ForwardedCertificateHeader.Parse(lines, out var problem) is not { } der)
        {
            ForwardedCertificateLog.Ignored(logger, Header, problem!);
            return null;
        }

        return Certificate(der);
    }

    private X509Certificate2? Certificate(byte[] der)
    {
        var now = time.GetUtcNow();
        var key = DerHash.Of(der);
        if (kept.TryGetValue(key, out var found) && found.Until > now)
        {
            return found.Certificate;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            ForwardedCertificateLog.Ignored(logger, Header, "the value is not an X.509 certificate");
            return null;
        }

        if (kept.Count >= Capacity)
        {
            Trim(now);
        }

        // Not disposed when dropped: a request may still hold it; the finalizer frees it.
        kept[key] = new Kept(certificate, now + Lifetime);
        return certificate;
    }

    private void Trim(DateTimeOffset now)
    {
        foreach (var entry in kept)
        {
            if (entry.Value.Until <= now)
            {
                kept.TryRemove(entry);
            }
        }

        if (kept.Count >= Capacity)
        {
            kept.Clear();
        }
    }

    private sealed record Kept(X509Certificate2 Certificate, DateTimeOffset Until);

    private readonly record struct DerHash(UInt128 High, UInt128 Low)
    {
        public static DerHash Of(byte[] der)
        {
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(der, hash);
            return new DerHash(MemoryMarshal.Read<UInt128>(hash), MemoryMarshal.Read<UInt128>(hash[16..]));
        }
    }
}

internal static partial class ForwardedCertificateLog
{
    [LoggerMessage(1221, LogLevel.Debug, "Forwarded client certificate in {Header} ignored: {Reason}")]
    public static partial void Ignored(ILogger logger, string header, string reason);
}
