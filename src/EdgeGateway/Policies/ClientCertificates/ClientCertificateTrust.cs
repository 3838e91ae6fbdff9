using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeGateway.Policies.ClientCertificates;

/// <summary>
/// What validate-client-certificate knows of a client certificate beyond the certificate itself: whether its chain ends at
/// a trusted CA (the operator's <c>Gateway:Tls:ClientCaPath</c> bundle, else the system's store), the issuer's thumbprint,
/// and, on demand, whether it is revoked. Worked out once per certificate object: Kestrel keeps one per TLS connection, so
/// every request on a connection after the first costs a table lookup; <see cref="ForwardedClientCertificates"/> hands
/// out one object per distinct forwarded certificate for the same reason. Chains are built offline (no certificate downloads:
/// a client's certificate names the URLs, which the gateway should not fetch for it); revocation goes online only for a
/// chain already trusted, with a short timeout.
/// </summary>
internal sealed class ClientCertificateTrust(X509Certificate2Collection authorities)
{
    /// <summary>How long a revocation list or OCSP answer may take before the status counts as unknown.</summary>
    public static readonly TimeSpan RevocationTimeout = TimeSpan.FromSeconds(5);

    public static readonly ClientCertificateTrust SystemOnly = new([]);

    private readonly ConditionalWeakTable<X509Certificate2, ChainVerdict> verdicts = [];

    /// <summary>The operator's CA certificates (none: the system store only).</summary>
    public int AuthorityCount => authorities.Count;

    /// <summary>The PEM bundle at <paramref name="path"/>: every certificate in it is a trust anchor for client certificates.</summary>
    public static ClientCertificateTrust Load(string path)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(path);
        if (bundle.Count == 0)
        {
            throw new CryptographicException("the file holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }

        return new ClientCertificateTrust(bundle);
    }

    /// <summary>The chain verdict for <paramref name="certificate"/>, built on first use and kept as long as the certificate is.</summary>
    public ChainVerdict Verdict(X509Certificate2 certificate) => verdicts.GetValue(certificate, Build);

    /// <summary>Whether a CA has revoked <paramref name="certificate"/>: online, once per certificate object, off the request's thread.</summary>
    public ValueTask<RevocationState> RevocationAsync(X509Certificate2 certificate, ChainVerdict verdict) =>
        verdict.Revocation is { } known ? new(known) : new(Task.Run(() => verdict.Revocation ??= CheckRevocation(certificate, verdict)));

    private ChainVerdict Build(X509Certificate2 certificate)
    {
        // The operator's bundle first (its certificates are anchors), then the system's roots.
        using var custom = authorities.Count > 0 ? Chain(certificate, X509ChainTrustMode.CustomRootTrust, X509RevocationMode.NoCheck) : null;
        if (custom is { Trusted: true })
        {
            return custom.Verdict(certificate, X509ChainTrustMode.CustomRootTrust);
        }

        using var system = Chain(certificate, X509ChainTrustMode.System, X509RevocationMode.NoCheck);
        return system.Trusted || custom is null ? system.Verdict(certificate, X509ChainTrustMode.System) : custom.Verdict(certificate, X509ChainTrustMode.CustomRootTrust);
    }

    /// <summary>The same chain as the verdict's, online: the CRL or OCSP addresses come from certificates already known to chain to a trusted CA.</summary>
    private RevocationState CheckRevocation(X509Certificate2 certificate, ChainVerdict verdict)
    {
        using var built = Chain(certificate, verdict.Mode, X509RevocationMode.Online);
        var status = built.Status;
        return (status & X509ChainStatusFlags.Revoked) != 0 ? RevocationState.Revoked
            : (status & (X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation)) != 0 ? RevocationState.Unknown
            : RevocationState.Good;
    }

    private BuiltChain Chain(X509Certificate2 certificate, X509ChainTrustMode mode, X509RevocationMode revocation)
    {
        var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = mode;
        policy.DisableCertificateDownloads = true;
        policy.RevocationMode = revocation;
        policy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
        policy.UrlRetrievalTimeout = RevocationTimeout;
        // Validity dates are the policy's own checks (validateNotBefore, validateNotAfter), per request.
        policy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreNotTimeNested;
        if (mode == X509ChainTrustMode.CustomRootTrust)
        {
            policy.CustomTrustStore.AddRange(authorities);
        }

        chain.Build(certificate);
        return new BuiltChain(chain);
    }

    private sealed class BuiltChain(X509Chain chain) : IDisposable
    {
        private const X509ChainStatusFlags Ignored = X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested
            | X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;

        public X509ChainStatusFlags Status { get; } = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);

        public bool Trusted => (Status & ~Ignored) == X509ChainStatusFlags.NoError;

        public ChainVerdict Verdict(X509Certificate2 certificate, X509ChainTrustMode mode)
        {
            var elements = chain.ChainElements;
            var issuer = elements.Count > 1 ? elements[1].Certificate : null;
            var notBefore = elements.Cast<X509ChainElement>().Max(e => e.Certificate.NotBefore.ToUniversalTime());
            var notAfter = elements.Cast<X509ChainElement>().Min(e => e.Certificate.NotAfter.ToUniversalTime());
            return new ChainVerdict(Trusted, issuer?.Thumbprint, issuer is null ? null : Contracts.Policies.ClientCertificateNames.RelativeNames(issuer.SubjectName),
                certificate, new DateTimeOffset(notBefore, TimeSpan.Zero), new DateTimeOffset(notAfter, TimeSpan.Zero)) { Mode = mode };
        }

        public void Dispose() => chain.Dispose();
    }
}

/// <summary>A certificate's chain, as far as the policy's checks need it, with the certificate's own names read once.</summary>
internal sealed class ChainVerdict(bool trusted, string? issuerThumbprint, string[]? issuerName, X509Certificate2 certificate,
    DateTimeOffset chainNotBefore, DateTimeOffset chainNotAfter)
{
    /// <summary>The chain ends at a trusted CA (dates and revocation aside).</summary>
    public bool Trusted { get; } = trusted;

    /// <summary>The issuer's thumbprint when the issuer was found (in the bundle, the system store, or the certificate itself).</summary>
    public string? IssuerThumbprint { get; } = issuerThumbprint;

    public string[]? IssuerName { get; } = issuerName;

    public string Thumbprint { get; } = certificate.Thumbprint;

    public string SerialNumber { get; } = Contracts.Policies.ClientCertificateNames.SerialOf(certificate);

    public string[] Subject { get; } = Contracts.Policies.ClientCertificateNames.RelativeNames(certificate.SubjectName);

    public string[] IssuerOfCertificate { get; } = Contracts.Policies.ClientCertificateNames.RelativeNames(certificate.IssuerName);

    /// <summary>The common names (OID 2.5.4.3) in the subject.</summary>
    public string[] CommonNames { get; } = [.. certificate.SubjectName.EnumerateRelativeDistinguishedNames()
        .Where(r => !r.HasMultipleElements && r.GetSingleElementType().Value == "2.5.4.3").Select(r => r.GetSingleElementValue() ?? string.Empty)];

    /// <summary>The subject alternative name's DNS names.</summary>
    public string[] DnsNames { get; } = [.. certificate.Extensions.Cast<X509Extension>().Where(e => e.Oid?.Value == "2.5.29.17")
        .SelectMany(e => (e as X509SubjectAlternativeNameExtension ?? new X509SubjectAlternativeNameExtension(e.RawData)).EnumerateDnsNames())];

    /// <summary>The latest NotBefore and earliest NotAfter in the chain: the certificate is valid only while all of it is.</summary>
    public DateTimeOffset NotBefore { get; } = chainNotBefore;

    public DateTimeOffset NotAfter { get; } = chainNotAfter;

    /// <summary>Which anchors trusted the chain (the operator's bundle or the system's): the revocation check builds the same chain.</summary>
    public X509ChainTrustMode Mode { get; init; }

    /// <summary>Set once the revocation status has been fetched (only when a policy asks for it).</summary>
    public RevocationState? Revocation { get; set; }
}

internal enum RevocationState
{
    Good,

    /// <summary>No list or responder could be reached, or the CA publishes none: not refused (offline gateways).</summary>
    Unknown,

    Revoked,
}
