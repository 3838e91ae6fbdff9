using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Configuration;

namespace EdgeGateway.Tests.Configuration;

/// <summary><c>Gateway:Tls:ClientCaPath</c> and <c>Gateway:Tls:ClientCertificates</c> at start: refused naming the setting, or loaded.</summary>
public sealed class ClientCertificateSettingsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("eg-client-ca-").FullName;

    [Theory]
    [InlineData("sometimes", "Gateway:Tls:ClientCertificates 'sometimes' is not one of auto, always, never")]
    [InlineData("ALWAYS", null)]
    [InlineData(null, null)]
    public void Mode_OnlyAutoAlwaysNever(string? mode, string? error)
    {
        var errors = new List<string>();

        ClientCertificateSettings.Read(new TlsOptions { ClientCertificates = mode }, errors);

        if (error is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Equal(error, Assert.Single(errors));
        }
    }

    [Fact]
    public void ClientCaPath_NoCertificateInTheFile_RefusedNamingTheSetting()
    {
        var path = Path.Combine(folder, "ca.pem");
        File.WriteAllText(path, "not a certificate");
        var errors = new List<string>();

        ClientCertificateSettings.Read(new TlsOptions { ClientCaPath = path }, errors);

        Assert.StartsWith($"Gateway:Tls:ClientCaPath '{path}' is not a readable PEM bundle", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void ClientCaPath_Bundle_EveryCertificateAnAuthority()
    {
        var path = Path.Combine(folder, "ca.pem");
        File.WriteAllText(path, string.Concat(new[] { "CN=One", "CN=Two" }.Select(name =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var ca = new CertificateRequest(name, key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
            return ca.ExportCertificatePem() + "\n";
        })));
        var errors = new List<string>();

        var trust = ClientCertificateSettings.Read(new TlsOptions { ClientCaPath = path }, errors);

        Assert.Empty(errors);
        Assert.Equal(2, trust.AuthorityCount);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("  ", null)]
    [InlineData(" X-Forwarded-Client-Cert ", "X-Forwarded-Client-Cert")]
    [InlineData("X-Amzn-Mtls-Clientcert", "X-Amzn-Mtls-Clientcert")]
    public void ForwardedHeader_OffOrAHeaderName(string? setting, string? header)
    {
        var errors = new List<string>();

        Assert.Equal(header, ClientCertificateSettings.ForwardedHeader(new TlsOptions { ForwardedClientCertificateHeader = setting }, errors));
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("X Forwarded")]
    [InlineData("X-Cert:")]
    [InlineData("Zertifikät")]
    public void ForwardedHeader_NotAToken_RefusedNamingTheSetting(string setting)
    {
        var errors = new List<string>();

        Assert.Null(ClientCertificateSettings.ForwardedHeader(new TlsOptions { ForwardedClientCertificateHeader = setting }, errors));
        Assert.StartsWith($"Gateway:Tls:ForwardedClientCertificateHeader '{setting}' is not a header name", Assert.Single(errors), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
