using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Resources;

/// <summary>
/// <c>/certificates</c>: an upload is checked (a certificate, the right password, a private key: 400 with the field
/// otherwise), GET never shows key material, and a certificate a policy still names cannot be deleted (409).
/// </summary>
public sealed class CertificateTests : IAsyncLifetime
{
    private const string Password = "upload-pass-91c2";

    private readonly X509Certificate2 certificate = Create();

    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync()
    {
        certificate.Dispose();
        await plane.DisposeAsync();
    }

    private static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var made = new CertificateRequest("CN=partner-client", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
    }

    private string Pfx(string? password = Password) => Convert.ToBase64String(certificate.Export(X509ContentType.Pfx, password));

    private static string Body(params (string Name, string Value)[] fields) => JsonSerializer.Serialize(fields.ToDictionary(f => f.Name, f => f.Value));

    [Fact]
    public async Task Put_Pfx_StoredAndShownWithoutKeyMaterial()
    {
        var created = await plane.PutAsync("/certificates/partner", Body(("data", Pfx()), ("password", Password)));
        Assert.Equal(201, (int)created.StatusCode);
        var shown = await plane.GetJsonAsync("/certificates/partner");
        Assert.Equal(certificate.Thumbprint, shown["thumbprint"]!.GetValue<string>());
        Assert.Equal("CN=partner-client", shown["subject"]!.GetValue<string>());
        Assert.True(shown["hasPrivateKey"]!.GetValue<bool>());
        var listed = (await plane.GetJsonAsync("/certificates")).ToJsonString();
        Assert.Contains(certificate.Thumbprint, listed, StringComparison.Ordinal);
        foreach (var text in new[] { shown.ToJsonString(), listed, File.ReadAllText(Directory.GetFiles(plane.StorePath, "*", SearchOption.AllDirectories).First(f => File.ReadAllText(f).Contains(certificate.Thumbprint, StringComparison.Ordinal))) })
        {
            Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Pfx()[..40], text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(certificate.Export(X509ContentType.Pfx))[..40], text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Put_PemWithKey_Accepted()
    {
        var created = await plane.PutAsync("/certificates/pem", Body(("certificate", certificate.ExportCertificatePem()),
            ("key", certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem())));
        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal(certificate.Thumbprint, (await plane.GetJsonAsync("/certificates/pem"))["thumbprint"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_PemWithItsKeyInTheSameText_Accepted()
    {
        var both = certificate.ExportCertificatePem() + "\n" + certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();

        var created = await plane.PutAsync("/certificates/combined", Body(("certificate", both)));

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal(certificate.Thumbprint, (await plane.GetJsonAsync("/certificates/combined"))["thumbprint"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_NotACertificate_Is400NamingData()
    {
        var problem = await Problem.AssertAsync(await plane.PutAsync("/certificates/bad", Body(("data", Convert.ToBase64String("not a pfx at all"u8.ToArray())))), 400);
        Assert.Contains("data", Problem.ErrorPaths(problem));
        Assert.Contains("not a PFX", problem.ToJsonString(), StringComparison.Ordinal);
        await Problem.AssertAsync(await plane.Client.GetAsync("/certificates/bad"), 404);
    }

    [Fact]
    public async Task Put_WrongPassword_Is400NamingPassword_WithoutEchoingIt()
    {
        var problem = await Problem.AssertAsync(await plane.PutAsync("/certificates/partner", Body(("data", Pfx()), ("password", "guessed-wrong-77"))), 400);
        Assert.Contains("password", Problem.ErrorPaths(problem));
        Assert.Contains("wrong password", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("guessed-wrong-77", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_NoPrivateKey_Is400()
    {
        var pem = await Problem.AssertAsync(await plane.PutAsync("/certificates/nokey", Body(("certificate", certificate.ExportCertificatePem()))), 400);
        Assert.Contains("no private key", pem.ToJsonString(), StringComparison.Ordinal);
        using var withoutKey = X509CertificateLoader.LoadCertificate(certificate.RawData);
        var pfx = await Problem.AssertAsync(await plane.PutAsync("/certificates/nokey", Body(("data", Convert.ToBase64String(withoutKey.Export(X509ContentType.Pfx))))), 400);
        Assert.Contains("no private key", pfx.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_ReferencedByAPolicy_Is409_ThenAllowedOnceUnused()
    {
        await plane.PutOkAsync("/certificates/partner", Body(("data", Pfx()), ("password", Password)));
        await plane.PutOkAsync("/apis/echo", """
            {"path":"/echo","backend":{"urls":["https://127.0.0.1:9"]},
             "policies":{"inbound":[{"type":"authentication-certificate","certificateId":"partner"}]}}
            """);
        await Problem.AssertAsync(await plane.Client.DeleteAsync("/certificates/partner"), 409);

        await plane.PutOkAsync("/apis/echo", """{"path":"/echo","backend":{"urls":["https://127.0.0.1:9"]}}""");
        Assert.Equal(204, (int)(await plane.Client.DeleteAsync("/certificates/partner")).StatusCode);
    }

    [Fact]
    public async Task Policy_NamingAnUnknownCertificate_Is400()
    {
        var problem = await Problem.AssertAsync(await plane.PutAsync("/apis/echo", """
            {"path":"/echo","backend":{"urls":["https://127.0.0.1:9"]},
             "policies":{"inbound":[{"type":"authentication-certificate","certificateId":"nobody"}]}}
            """), 400);
        Assert.Contains("no certificate with id", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("nobody", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificates_InTheOpenApiDocument_AndOnlyForAdmins()
    {
        var document = await plane.Anonymous.GetStringAsync("/openapi/v1.json");
        Assert.Contains("\"/certificates/{id}\"", document, StringComparison.Ordinal);
        Assert.Equal(401, (int)(await plane.Anonymous.GetAsync("/certificates")).StatusCode);
        using var put = await plane.Anonymous.PutAsync("/certificates/partner", TestPlane.Json(Body(("data", Pfx()), ("password", Password))));
        Assert.Equal(401, (int)put.StatusCode);
    }
}
