using EdgeGateway.Contracts.Certificates;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Policies.Auth;

/// <summary>
/// Where one compile's authentication-certificate policies find their certificate: in the snapshot's <c>certificates</c>
/// (by <c>certificateId</c> or <c>thumbprint</c>) or on this gateway's disk (<c>path</c>, standalone mode). Loads each at
/// load time into a <see cref="BackendClient"/> of the process's pool, and remembers which the compiled config uses
/// (<see cref="Used"/>), so the pool can let go of the others once it is applied.
/// </summary>
internal sealed class CertificateSources(GatewaySnapshot snapshot, BackendCertificates pool)
{
    private readonly HashSet<string> used = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> created = [];

    /// <summary>The thumbprints of the certificates this compile's policies present.</summary>
    public IReadOnlySet<string> Used => used;

    /// <summary>
    /// The invoker an authentication-certificate policy's attributes stand for, made at load: what send-request (or any
    /// policy that sends a request of its own) uses for a child authentication-certificate. Throws
    /// <see cref="PolicyLoadException"/> when the certificate cannot be loaded.
    /// </summary>
    public HttpMessageInvoker InvokerFor(PolicyAttributes a) => ClientFor(a).Invoker;

    /// <summary>The backend client for the policy's certificate (see <see cref="InvokerFor"/>).</summary>
    public BackendClient ClientFor(PolicyAttributes a)
    {
        var load = a.Text("certificateId") is { } id ? FromSnapshot(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase), $"certificateId '{id}'")
            : a.Text("thumbprint") is { } thumbprint ? FromSnapshot(c => string.Equals(c.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase), $"thumbprint {thumbprint}")
            : FromDisk(a);
        var client = pool.Get(load, out var isNew);
        used.Add(client.Certificate.Thumbprint);
        if (isNew)
        {
            created.Add(client.Certificate.Thumbprint);
        }

        return client;
    }

    /// <summary>The compile failed: the clients only it made are let go of (see <see cref="BackendCertificates.Release"/>).</summary>
    public void Abandon() => pool.Release(created);

    private System.Security.Cryptography.X509Certificates.X509Certificate2 FromSnapshot(Func<CertificateDefinition, bool> match, string named)
    {
        var definition = (snapshot.Certificates ?? []).FirstOrDefault(c => c is not null && match(c))
            ?? throw new PolicyLoadException($"authentication-certificate: the {named} is not among the config's certificates");
        if (definition.Data is null)
        {
            throw new PolicyLoadException($"authentication-certificate: certificate '{definition.Id}' came without its data (the management plane could not decrypt it: upload it again)");
        }

        var load = ClientCertificateLoader.FromPfx(Convert.FromBase64String(definition.Data), null);
        return load.Certificate ?? throw new PolicyLoadException($"authentication-certificate: certificate '{definition.Id}': {load.Error}");
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 FromDisk(PolicyAttributes a)
    {
        var path = Known(a, "path")!;
        var keyPath = Known(a, "keyPath");
        var password = Known(a, "password");
        CertificateLoad load;
        try
        {
            load = keyPath is not null || path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
                ? ClientCertificateLoader.FromPem(File.ReadAllText(path), keyPath is null ? null : File.ReadAllText(keyPath))
                : ClientCertificateLoader.FromPfx(File.ReadAllBytes(path), password);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PolicyLoadException($"authentication-certificate: cannot read the certificate file ({ex.GetType().Name}: {ex.Message})");
        }

        if (load.Certificate is not { } certificate)
        {
            throw new PolicyLoadException($"authentication-certificate: the certificate file {path}: {load.Error}");
        }

        // A PEM key is ephemeral on some platforms; a PFX round trip gives TLS one it can use everywhere.
        using (certificate)
        {
            return ClientCertificateLoader.FromPfx(ClientCertificateLoader.ToPfx(certificate), null).Certificate!;
        }
    }

    /// <summary>An attribute known at load (a literal or named values, as validated); a withheld secret cannot be used.</summary>
    private static string? Known(PolicyAttributes a, string name)
    {
        if (a.Value(name) is not { } value)
        {
            return null;
        }

        return value is { IsKnown: true, IsConstant: true }
            ? value.Evaluate(null!)
            : throw new PolicyLoadException($"authentication-certificate: '{name}' references a secret named value whose value this gateway was not given");
    }
}
