using EdgeGateway.Contracts.Certificates;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.State;

namespace ManagementPlane.Resources;

/// <summary>
/// <c>/certificates</c>: client certificates with their private keys for authentication-certificate, uploaded as PFX
/// (<c>data</c>, base64, and its <c>password</c>) or PEM (<c>certificate</c> and <c>key</c>). Checked on upload (a
/// certificate, the right password, a private key), stored encrypted (a PFX without password, sealed with the plane's
/// <c>Management:EncryptionKey</c>, purpose bound to the id), and never returned: GET shows what identifies it.
/// Deleting one that a policy still names is a 409, as for a named value.
/// </summary>
internal static class CertificateEndpoints
{
    private const string What = "certificate";

    public static RouteGroupBuilder MapCertificates(this RouteGroupBuilder admin)
    {
        admin.MapGet("/certificates", (HttpContext c, StateStore s) => Crud.ListAsync(c, s, st => st.Certificates.Select(Show), ApiJsonContext.Api.ResourceListCertificateResource))
            .Produces<ResourceList<CertificateResource>>();
        admin.MapGet("/certificates/{id}", (HttpContext c, StateStore s, string id) =>
                Crud.GetAsync(c, s, What, id, Crud.Key("certificates", id), st => Find(st, id) is { } found ? Show(found) : null, ApiJsonContext.Api.CertificateResource))
            .Produces<CertificateResource>().ProducesProblem(404);
        admin.MapPut("/certificates/{id}", PutAsync).Accepts<CertificateRequest>("application/json")
            .Produces<CertificateResource>().Produces<CertificateResource>(201).ProducesProblem(400).ProducesProblem(412);
        admin.MapDelete("/certificates/{id}", (HttpContext c, StateStore s, string id) =>
                Crud.DeleteAsync(c, s, What, id, Crud.Key("certificates", id), st => Find(st, id) is not null, (st, m) => st.Certificates.RemoveAll(x => Crud.SameId(x.Id, id))))
            .Produces(204).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
        return admin;
    }

    private static StoredCertificate? Find(ManagementState state, string id) => state.Certificates.Find(c => Crud.SameId(c.Id, id));

    private static CertificateResource Show(StoredCertificate c) => new(c.Id, c.Thumbprint, c.Subject, c.Issuer, c.NotBefore, c.NotAfter, HasPrivateKey: true);

    private static async Task<IResult> PutAsync(HttpContext context, StateStore store, SecretProtector protector, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Api.CertificateRequest, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        using var certificate = Load(body.Value!, out var load);
        if (certificate is null)
        {
            return Problems.Invalid([new ConfigError(load.Field, load.Message)], $"not a usable client certificate: {load.Message}");
        }

        var pfx = Convert.ToBase64String(ClientCertificateLoader.ToPfx(certificate));
        return await Crud.PutAsync(context, store, What, id, Crud.Key("certificates", id), s => Find(s, id) is not null,
            (state, mutation, exists) =>
            {
                var stored = Find(state, id);
                if (stored is null)
                {
                    stored = new StoredCertificate { Id = id };
                    state.Certificates.Add(stored);
                }

                stored.Thumbprint = certificate.Thumbprint;
                stored.Subject = certificate.Subject;
                stored.Issuer = certificate.Issuer;
                stored.NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
                stored.NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
                stored.DataProtected = protector.Protect(pfx, StoredCertificate.SecretPurpose(stored.Id));
                return null;
            },
            s => Show(Find(s, id)!), ApiJsonContext.Api.CertificateResource);
    }

    /// <summary>The uploaded certificate with its key, or which field is wrong and why (never echoing the password or key).</summary>
    private static System.Security.Cryptography.X509Certificates.X509Certificate2? Load(CertificateRequest request, out (string Field, string Message) problem)
    {
        problem = default;
        if (request.Data is not null == (request.Certificate is not null))
        {
            problem = ("data", "give either 'data' (a PFX, base64) with its 'password', or 'certificate' and 'key' (PEM)");
            return null;
        }

        CertificateLoad load;
        string field;
        if (request.Data is { } data)
        {
            field = "data";
            if (request.Key is not null)
            {
                problem = ("key", "'key' goes with a PEM 'certificate'; a PFX carries its key");
                return null;
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(data);
            }
            catch (FormatException)
            {
                problem = ("data", "must be base64 (the PFX file's bytes)");
                return null;
            }

            load = ClientCertificateLoader.FromPfx(bytes, request.Password);
            if (load.Error is { } error && error.Contains("password", StringComparison.Ordinal))
            {
                field = "password";
            }
        }
        else
        {
            field = "certificate";
            if (request.Password is not null)
            {
                problem = ("password", "'password' goes with a PFX ('data'); a PEM key is given unencrypted");
                return null;
            }

            load = ClientCertificateLoader.FromPem(request.Certificate!, request.Key);
            if (load.Error is { } error && error.Contains("key", StringComparison.Ordinal))
            {
                field = "key";
            }
        }

        if (load.Certificate is null)
        {
            problem = (field, load.Error!);
        }

        return load.Certificate;
    }
}

/// <summary>An upload: a PFX (<c>data</c>, base64, and its <c>password</c>) or a PEM <c>certificate</c> and <c>key</c>.</summary>
internal sealed record CertificateRequest(string? Data, string? Password, string? Certificate, string? Key);

/// <summary>What GET shows of a certificate: never its key or data.</summary>
internal sealed record CertificateResource(string Id, string Thumbprint, string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool HasPrivateKey);
