using EdgeGateway.Policies.Auth;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's authentication-certificate: the forwarded request goes through a backend client that presents the policy's client
/// certificate (mutual TLS). Everything happens at load (<see cref="CertificateSources"/>: the certificate read and the client
/// made, or the config refused); per request the step only points the run at that client.
/// </summary>
internal sealed class AuthenticationCertificate(BackendClient client) : PolicyStep
{
    public const string Type = "authentication-certificate";

    public static AuthenticationCertificate Create(PolicyAttributes a, CertificateSources certificates) => new(certificates.ClientFor(a));

    public override PolicyResult Apply(PolicyRun run)
    {
        run.BackendClient = client;
        return PolicyResult.Continue;
    }
}
