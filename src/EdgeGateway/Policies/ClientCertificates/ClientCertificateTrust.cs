using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeGateway.Policies.ClientCertificates;

/// <summary>
/// What validate-client-certificate knows of a client certificate beyond the certificate itself: whether its chain ends at
/// a trusted CA (the operator's <c>Gateway:Tls:ClientCaPath</c> bundle when set, and then only it, as nginx's
/// <c>ssl_client_certificate</c>; else the system's store) and may authenticate a client (the clientAuth EKU, or no EKU at
/// all), the issuer's thumbprint, and, on demand, whether it is revoked. Worked out once per certificate object: Kestrel
/// keeps one per TLS connection, so every request on a connection after the first costs a table lookup;
/// <see cref="ForwardedClientCertificates"/> hands out one object per distinct forwarded certificate for the same reason. Chains are built
/// offline (no certificate downloads: a client's certificate names the URLs, which the gateway should not fetch for it);
/// revocation goes online only for a chain already trusted, at most <see cref="ConcurrentRevocationChecks"/> at a time,
/// each request waiting at most <see cref="RevocationTimeout"/> for it.
/// </summary>
internal sealed class ClientCertificateTrust
{
    /// <summary>How long a request waits for a revocation status (lists and OCSP answers together) before it counts as unknown.</summary>
    public static readonly TimeSpan RevocationTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Revocation checks block a thread while they download: this many at once, the others queue (and their requests see Unknown after <see cref="RevocationTimeout"/>).</summary>
    public const int ConcurrentRevocationChecks = 4;

    /// <summary>The extended key usage a client certificate needs (id-kp-clientAuth), when it has an EKU extension at all.</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public static readonly ClientCertificateTrust SystemOnly = new([]);

    private readonly ConditionalWeakTable<X509Certificate2, ChainVerdict> verdicts = [];
    private readonly X509Certificate2Collection authorities;
    private readonly HashSet<string> authorityThumbprints;
    private readonly Func<X509Certificate2, ChainVerdict, RevocationState> checkRevocation;
    private readonly SemaphoreSlim revocationSlots = new(ConcurrentRevocationChecks);

    public ClientCertificateTrust(X509Certificate2Collection authorities)
        : this(authorities, null)
    {
    }

    /// <summary>With <paramref name="checkRevocation"/> standing in for the online check (tests).</summary>
    internal ClientCertificateTrust(X509Certificate2Collection authorities, Func<X509Certificate2, ChainVerdict, RevocationState>? checkRevocation)
    {
        this.authorities = authorities;
        authorityThumbprints = new(authorities.Select(a => a.Thumbprint), StringComparer.OrdinalIgnoreCase);
        this.checkRevocation = checkRevocation ?? CheckRevocation;
    }

    /// <summary>The operator's CA certificates (none: the system store only).</summary>
    public int AuthorityCount => authorities.Count;

    /// <summary>
    /// The PEM bundle at <paramref name="path"/>: the only trust anchors for client certificates. A root CA, or an intermediate
    /// CA alone (then only certificates it issued, directly or through CAs the client sends, are trusted).
    /// </summary>
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

    /// <summary>
    /// Whether a CA has revoked <paramref name="certificate"/>: online, once per verdict however many requests ask at once, off
    /// the request's thread. A request waits at most <see cref="RevocationTimeout"/> (on <paramref name="time"/>), then sees
    /// <see cref="RevocationState.Unknown"/>; the check goes on, and later requests get its answer.
    /// </summary>
    public ValueTask<RevocationState> RevocationAsync(X509Certificate2 certificate, ChainVerdict verdict, TimeProvider time)
    {
        var check = verdict.RevocationCheck(() => CheckRevocationAsync(certificate, verdict));
        return check.IsCompletedSuccessfully ? new(check.Result) : new(WaitAsync(check, time));
    }

    private static async Task<RevocationState> WaitAsync(Task<RevocationState> check, TimeProvider time)
    {
        try
        {
            return await check.WaitAsync(RevocationTimeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return RevocationState.Unknown;
        }
    }

    private async Task<RevocationState> CheckRevocationAsync(X509Certificate2 certificate, ChainVerdict verdict)
    {
        await revocationSlots.WaitAsync().ConfigureAwait(false);
        try
        {
            return await Task.Run(() => checkRevocation(certificate, verdict)).ConfigureAwait(false);
        }
        catch (CryptographicException)
        {
            return RevocationState.Unknown;
        }
        finally
        {
            revocationSlots.Release();
        }
    }

    private ChainVerdict Build(X509Certificate2 certificate)
    {
        if (authorities.Count == 0)
        {
            using var system = Chain(certificate, X509ChainTrustMode.System, X509RevocationMode.NoCheck);
            return system.Verdict(certificate, X509ChainTrustMode.System, system.Trusted);
        }

        // The operator's bundle only. A bundle CA that is not self-signed (an intermediate) is, for .NET on Linux, an
        // untrusted helper rather than an anchor: the chain then stops at it (PartialChain) and counts as trusted when
        // that is its only fault and it reached a bundle certificate above the client's.
        using var custom = Chain(certificate, X509ChainTrustMode.CustomRootTrust, X509RevocationMode.NoCheck);
        return custom.Verdict(certificate, X509ChainTrustMode.CustomRootTrust, custom.Trusted || custom.EndsAtBundleIntermediate(authorityThumbprints));
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
        // A client certificate with an EKU extension must allow client authentication (one without passes, as in .NET and TLS stacks).
        policy.ApplicationPolicy.Add(new Oid(ClientAuthentication));
        if (mode == X509ChainTrustMode.CustomRootTrust)
        {
            policy.CustomTrustStore.AddRange(authorities);
            policy.ExtraStore.AddRange(authorities);
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

        /// <summary>
        /// The chain's only faults are a missing root, and a certificate above the client's is one of the bundle's: an
        /// intermediate-only bundle's anchor (signatures and usages checked, as every fault else would show).
        /// </summary>
        public bool EndsAtBundleIntermediate(HashSet<string> bundle)
        {
            const X509ChainStatusFlags NoRoot = X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot;
            if ((Status & ~Ignored & ~NoRoot) != X509ChainStatusFlags.NoError)
            {
                return false;
            }

            var elements = chain.ChainElements;
            for (var i = 1; i < elements.Count; i++)
            {
                if (bundle.Contains(elements[i].Certificate.Thumbprint))
                {
                    return true;
                }
            }

            return false;
        }

        public ChainVerdict Verdict(X509Certificate2 certificate, X509ChainTrustMode mode, bool trusted)
        {
            var elements = chain.ChainElements;
            var issuer = elements.Count > 1 ? elements[1].Certificate : null;
            var notBefore = elements.Cast<X509ChainElement>().Max(e => e.Certificate.NotBefore.ToUniversalTime());
            var notAfter = elements.Cast<X509ChainElement>().Min(e => e.Certificate.NotAfter.ToUniversalTime());
            return new ChainVerdict(trusted, issuer?.Thumbprint, issuer is null ? null : Contracts.Policies.ClientCertificateNames.RelativeNames(issuer.SubjectName),
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

    private readonly Lock gate = new();
    private Task<RevocationState>? revocation;

    /// <summary>The revocation check, started by the first request that asks (only when a policy asks) and shared by all.</summary>
    public Task<RevocationState> RevocationCheck(Func<Task<RevocationState>> start)
    {
        if (Volatile.Read(ref revocation) is { } started)
        {
            return started;
        }

        lock (gate)
        {
            return revocation ??= start();
        }
    }
}

internal enum RevocationState
{
    Good,

    /// <summary>No list or responder could be reached, or the CA publishes none: not refused (offline gateways).</summary>
    Unknown,

    Revoked,
}
