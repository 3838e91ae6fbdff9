using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies;
using EdgeGateway.Policies.ClientCertificates;
using EdgeGateway.Policies.Jwt;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies;

/// <summary>validate-client-certificate's checks, on certificates made here and a fake clock.</summary>
public sealed class ClientCertificateStepTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private FakeTimeProvider time = new(Now);
    private readonly X509Certificate2 ca;
    private readonly X509Certificate2 client;
    private readonly X509Certificate2 selfSigned;
    private readonly ClientCertificateTrust trust;

    public ClientCertificateStepTests()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Partner CA, O=Tests", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        ca = caRequest.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=billing, O=Partner, C=NL", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("billing.partner.example");
        request.CertificateExtensions.Add(san.Build());
        client = request.Create(ca, Now.AddDays(-10), Now.AddDays(10), [0x00, 0x4F, 0x2A]);
        selfSigned = request.CreateSelfSigned(Now.AddDays(-10), Now.AddDays(10));
        trust = new ClientCertificateTrust([ca]);
    }

    /// <summary>The policies' services on the test's clock, sharing one trust (and its per-certificate verdicts).</summary>
    private PolicyServices Services => new(new OpenIdKeyCache(TimeSpan.FromHours(1))) { Time = time, ClientCertificates = trust };

    private sealed class Tls(X509Certificate2? certificate) : ITlsConnectionFeature
    {
        public X509Certificate2? ClientCertificate { get; set; } = certificate;

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(ClientCertificate);
    }

    private PolicyRun Run(string policy, X509Certificate2? certificate)
    {
        var harness = new PipelineHarness(PipelineHarness.Doc($$"""
            [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] }, "policies": { "inbound": [ {{policy}} ] } } ]
            """), Services);
        return harness.Run("a", request: r => r.HttpContext.Features.Set<ITlsConnectionFeature>(new Tls(certificate)));
    }

    private static async Task<PolicyResult> InboundAsync(PolicyRun run) => await PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound);

    private async Task AssertRefusedAsync(string policy, X509Certificate2? certificate, string reason)
    {
        var run = Run(policy, certificate);

        Assert.Equal(PolicyResult.Failed, await InboundAsync(run));
        Assert.Equal(reason, run.LastError!.Reason);
        Assert.Equal(401, run.LastError.StatusCode);
        Assert.Equal(ValidateClientCertificate.Type, run.LastError.Source);
    }

    private async Task AssertAcceptedAsync(string policy, X509Certificate2? certificate)
    {
        var run = Run(policy, certificate);

        Assert.Equal(PolicyResult.Continue, await InboundAsync(run));
        Assert.Null(run.LastError);
    }

    [Fact]
    public async Task IssuedByConfiguredCa_Accepted_SelfSignedRefused_NoneMissing()
    {
        const string policy = """{ "type": "validate-client-certificate", "validateRevocation": false }""";

        await AssertAcceptedAsync(policy, client);
        await AssertRefusedAsync(policy, selfSigned, "ClientCertificateNotTrusted");
        await AssertRefusedAsync(policy, null, "ClientCertificateNotFound");
        Assert.Equal("Client certificate missing", Run(policy, null) is var run && await InboundAsync(run) == PolicyResult.Failed ? run.LastError!.Message : null);
    }

    [Fact]
    public async Task ValidateTrustOff_SelfSignedAccepted()
    {
        await AssertAcceptedAsync("""{ "type": "validate-client-certificate", "validateRevocation": false, "validateTrust": false }""", selfSigned);
    }

    [Fact]
    public async Task Dates_CheckedAgainstTheClock_EachOnlyWhenOn()
    {
        const string both = """{ "type": "validate-client-certificate", "validateRevocation": false }""";
        time = new FakeTimeProvider(Now.AddDays(-11));
        await AssertRefusedAsync(both, client, "ClientCertificateNotYetValid");
        await AssertAcceptedAsync("""{ "type": "validate-client-certificate", "validateRevocation": false, "validateNotBefore": false }""", client);

        time.SetUtcNow(Now.AddDays(11));
        await AssertRefusedAsync(both, client, "ClientCertificateExpired");
        await AssertAcceptedAsync("""{ "type": "validate-client-certificate", "validateRevocation": false, "validateNotAfter": false }""", client);
    }

    [Fact]
    public async Task IgnoreError_FailedCheckContinues()
    {
        await AssertAcceptedAsync("""{ "type": "validate-client-certificate", "validateRevocation": false, "ignoreError": true }""", selfSigned);
        await AssertAcceptedAsync("""{ "type": "validate-client-certificate", "ignoreError": true }""", null);
    }

    [Theory]
    [InlineData("""{ "thumbprint": "THUMB" }""")]
    [InlineData("""{ "thumbprint": "thumb-lower-spaced" }""")]
    [InlineData("""{ "serialNumber": "4f:2a" }""")]
    [InlineData("""{ "commonName": "BILLING" }""")]
    [InlineData("""{ "dnsName": "billing.partner.example" }""")]
    [InlineData("""{ "subject": "C=NL, O=Partner, CN=billing" }""")]
    [InlineData("""{ "subject": "CN=billing, O=Partner, C=NL", "issuerSubject": "O=Tests, CN=Partner CA" }""")]
    [InlineData("""{ "issuerThumbprint": "CA_THUMB" }""")]
    public async Task Identity_EachAttribute_Matches(string identity)
    {
        var spaced = string.Join(' ', client.Thumbprint.ToLowerInvariant().Chunk(2).Select(c => new string(c)));
        identity = identity.Replace("thumb-lower-spaced", spaced, StringComparison.Ordinal)
            .Replace("CA_THUMB", ca.Thumbprint, StringComparison.Ordinal).Replace("THUMB", client.Thumbprint, StringComparison.Ordinal);

        await AssertAcceptedAsync($$"""{ "type": "validate-client-certificate", "validateRevocation": false, "identities": [ {{identity}} ] }""", client);
    }

    [Theory]
    [InlineData("""{ "thumbprint": "0000000000000000000000000000000000000000" }""")]
    [InlineData("""{ "commonName": "shipping" }""")]
    [InlineData("""{ "subject": "CN=billing, O=Partner" }""")]
    [InlineData("""{ "commonName": "billing", "dnsName": "other.example" }""")]
    [InlineData("""{ "issuerSubject": "CN=Other CA" }""")]
    public async Task Identity_AnyAttributeDiffers_Refused(string identity)
    {
        await AssertRefusedAsync($$"""{ "type": "validate-client-certificate", "validateRevocation": false, "identities": [ {{identity}} ] }""",
            client, "ClientCertificateIdentityNotMatched");
    }

    [Fact]
    public async Task Identities_OneOfSeveralMatching_Accepted()
    {
        await AssertAcceptedAsync("""
            { "type": "validate-client-certificate", "validateRevocation": false,
              "identities": [ { "commonName": "shipping" }, { "commonName": "billing" } ] }
            """, client);
    }

    [Fact]
    public async Task Revocation_NoListPublished_StatusUnknownDoesNotRefuse()
    {
        // The CA names no CRL or OCSP address: as on an offline gateway, the status is unknown and the certificate passes.
        await AssertAcceptedAsync("""{ "type": "validate-client-certificate" }""", client);
    }

    [Fact]
    public async Task Revocation_ListedInTheCasCrl_Refused_OtherCertificatePasses()
    {
        // A CRL distribution point served over HTTP by a Kestrel server here, listing one certificate.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var crlServer = builder.Build();
        byte[] crl = [];
        // A path of its own per run: .NET caches downloaded CRLs on disk by URL (~/.dotnet/corefx/cryptography/crls) until
        // their next update, so a URL reused on a recycled port would get another run's CRL, of another CA.
        var path = $"/{Guid.NewGuid():N}/ca.crl";
        crlServer.MapGet(path, () => Microsoft.AspNetCore.Http.Results.Bytes(crl, "application/pkix-crl"));
        await crlServer.StartAsync();
        var distribution = CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([$"{crlServer.Urls.First()}{path}"]);

        X509Certificate2 Issue(byte serial)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN=client-{serial}", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(distribution);
            return request.Create(ca, Now.AddDays(-10), Now.AddDays(10), [0x01, serial]);
        }

        using var revoked = Issue(1);
        using var good = Issue(2);
        var list = new CertificateRevocationListBuilder();
        list.AddEntry(revoked, DateTimeOffset.UtcNow.AddMinutes(-5));
        crl = list.Build(ca, 1, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA256);

        await AssertRefusedAsync("""{ "type": "validate-client-certificate" }""", revoked, "ClientCertificateRevoked");
        await AssertAcceptedAsync("""{ "type": "validate-client-certificate" }""", good);
        await AssertAcceptedAsync("""{ "type": "validate-client-certificate", "validateRevocation": false }""", revoked);
    }

    [Fact]
    public void Verdict_WorkedOutOncePerCertificateObject()
    {
        var trust = new ClientCertificateTrust([ca]);

        var first = trust.Verdict(client);

        Assert.Same(first, trust.Verdict(client));
        Assert.True(first.Trusted);
        Assert.Equal(ca.Thumbprint, first.IssuerThumbprint);
        Assert.False(trust.Verdict(selfSigned).Trusted);
        Assert.False(ClientCertificateTrust.SystemOnly.Verdict(client).Trusted);
    }

    public void Dispose()
    {
        ca.Dispose();
        client.Dispose();
        selfSigned.Dispose();
    }
}
