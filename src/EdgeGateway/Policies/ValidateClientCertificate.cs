using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies.ClientCertificates;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's validate-client-certificate: the certificate the client presented on the gateway's TLS listener must chain to a
/// trusted CA (validateTrust), be within its dates (validateNotBefore, validateNotAfter), not be revoked (validateRevocation;
/// an unknown status passes) and match every attribute of at least one identity, when identities are given. Identities are
/// compiled at load; the chain is built once per connection (<see cref="ClientCertificateTrust"/>), or once per distinct
/// certificate a trusted proxy forwarded (<see cref="ForwardedClientCertificates"/>); a request pays for the
/// date and identity comparisons. A refusal is an error (onError runs, LastError Source validate-client-certificate, Reason
/// as APIM's: ClientCertificateNotFound, ...NotTrusted, ...Expired, ...NotYetValid, ...Revoked, ...IdentityNotMatched); the
/// client gets 401, as from APIM. ignoreError continues instead.
/// </summary>
internal sealed class ValidateClientCertificate(
    bool revocation, bool trust, bool notBefore, bool notAfter, bool ignoreError, CertificateIdentity[] identities, ClientCertificateTrust authorities,
    PolicyServices services) : PolicyStep
{
    public const string Type = "validate-client-certificate";

    private const string Missing = "Client certificate missing";

    private const string Invalid = "Invalid client certificate";

    public static PolicyStep Create(PolicyAttributes a, PolicyServices services)
    {
        var identities = new List<CertificateIdentity>();
        foreach (var item in a.Objects("identities"))
        {
            if (CertificateIdentity.From(item) is not { } identity)
            {
                return Unevaluable.Instance;
            }

            identities.Add(identity);
        }

        return new ValidateClientCertificate(a.Bool("validateRevocation") ?? true, a.Bool("validateTrust") ?? true, a.Bool("validateNotBefore") ?? true,
            a.Bool("validateNotAfter") ?? true, a.Bool("ignoreError") ?? false, [.. identities], services.ClientCertificates, services);
    }

    public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException("validate-client-certificate runs through ApplyAsync");

    public override ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
    {
        if (run.ClientCertificate is not { } certificate)
        {
            return new(Refuse(run, null, "ClientCertificateNotFound", Missing));
        }

        var verdict = authorities.Verdict(certificate);
        if (Check(run, verdict) is { } refused)
        {
            return new(refused);
        }

        if (!revocation || !verdict.Trusted)
        {
            return new(PolicyResult.Continue);
        }

        var state = authorities.RevocationAsync(certificate, verdict, services.Time);
        return state.IsCompletedSuccessfully ? new(Revoked(run, verdict, state.Result)) : WaitForRevocationAsync(run, verdict, state);
    }

    private async ValueTask<PolicyResult> WaitForRevocationAsync(PolicyRun run, ChainVerdict verdict, ValueTask<RevocationState> state) =>
        Revoked(run, verdict, await state);

    private PolicyResult Revoked(PolicyRun run, ChainVerdict verdict, RevocationState state) =>
        state == RevocationState.Revoked ? Refuse(run, verdict, "ClientCertificateRevoked", Invalid) : PolicyResult.Continue;

    private PolicyResult? Check(PolicyRun run, ChainVerdict verdict)
    {
        if (trust && !verdict.Trusted)
        {
            return Refuse(run, verdict, "ClientCertificateNotTrusted", Invalid);
        }

        var now = services.Time.GetUtcNow();
        if (notBefore && now < verdict.NotBefore)
        {
            return Refuse(run, verdict, "ClientCertificateNotYetValid", Invalid);
        }

        if (notAfter && now > verdict.NotAfter)
        {
            return Refuse(run, verdict, "ClientCertificateExpired", Invalid);
        }

        if (identities.Length == 0)
        {
            return null;
        }

        foreach (var identity in identities)
        {
            if (identity.Matches(verdict))
            {
                return null;
            }
        }

        return Refuse(run, verdict, "ClientCertificateIdentityNotMatched", Invalid);
    }

    private PolicyResult Refuse(PolicyRun run, ChainVerdict? verdict, string reason, string message)
    {
        // The thumbprint is what an operator needs to find the client; nothing else of the certificate is logged.
        ClientCertificateLog.Refused(services.Logger, run.ApiId, reason, verdict?.Thumbprint ?? "none", ignoreError);
        return ignoreError ? PolicyResult.Continue : run.Fail(new PolicyError(Type, reason, message, StatusCodes.Status401Unauthorized));
    }
}

/// <summary>One identity: the attributes given, compiled at load; the certificate must match all of them.</summary>
internal sealed class CertificateIdentity
{
    private string? thumbprint;
    private string? serialNumber;
    private string? commonName;
    private string[]? subject;
    private string? dnsName;
    private string[]? issuerSubject;
    private string? issuerThumbprint;

    /// <summary>The identity of a validated policy; null when a value references a secret named value this gateway was not given.</summary>
    public static CertificateIdentity? From(PolicyAttributes item)
    {
        var identity = new CertificateIdentity();
        foreach (var name in ClientCertificateNames.IdentityAttributes)
        {
            if (item.Value(name) is not { } value)
            {
                continue;
            }

            if (IpFilter.Literal(value) is not { } text)
            {
                return null;
            }

            // Validated by ClientCertificateRules: these parse.
            switch (name)
            {
                case "thumbprint":
                    identity.thumbprint = ClientCertificateNames.Thumbprint(text, out _);
                    break;
                case "serialNumber":
                    identity.serialNumber = ClientCertificateNames.SerialNumber(text, out _);
                    break;
                case "commonName":
                    identity.commonName = text.Trim();
                    break;
                case "subject":
                    identity.subject = ClientCertificateNames.DistinguishedName(text, out _);
                    break;
                case "dnsName":
                    identity.dnsName = text.Trim();
                    break;
                case "issuerSubject":
                    identity.issuerSubject = ClientCertificateNames.DistinguishedName(text, out _);
                    break;
                case "issuerThumbprint":
                    identity.issuerThumbprint = ClientCertificateNames.Thumbprint(text, out _);
                    break;
                default:
                    throw new InvalidOperationException($"validated identity holds '{name}'");
            }
        }

        return identity;
    }

    public bool Matches(ChainVerdict certificate) =>
        (thumbprint is null || string.Equals(thumbprint, certificate.Thumbprint, StringComparison.OrdinalIgnoreCase))
        && (serialNumber is null || string.Equals(serialNumber, certificate.SerialNumber, StringComparison.Ordinal))
        && (commonName is null || certificate.CommonNames.Contains(commonName, StringComparer.OrdinalIgnoreCase))
        && (subject is null || ClientCertificateNames.SameName(subject, certificate.Subject))
        && (dnsName is null || certificate.DnsNames.Contains(dnsName, StringComparer.OrdinalIgnoreCase))
        && (issuerSubject is null || ClientCertificateNames.SameName(issuerSubject, certificate.IssuerOfCertificate))
        && (issuerThumbprint is null || string.Equals(issuerThumbprint, certificate.IssuerThumbprint, StringComparison.OrdinalIgnoreCase));
}

internal static partial class ClientCertificateLog
{
    [LoggerMessage(1220, LogLevel.Debug, "validate-client-certificate on API {ApiId}: {Reason} (certificate thumbprint {Thumbprint}, ignoreError {IgnoreError})")]
    public static partial void Refused(ILogger logger, string? apiId, string reason, string thumbprint, bool ignoreError);
}
