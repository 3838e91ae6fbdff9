using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Policies;
using EdgeGateway.Policies.Jwt;
using EdgeGateway.Routing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies.Auth;

/// <summary>
/// authentication-certificate compiled as a gateway compiles it: the run is pointed at the backend client of the policy's
/// certificate (from the snapshot or from disk), one client per certificate across revisions, let go of after a grace
/// period once unused; a certificate that cannot be loaded refuses the config with a message that says why.
/// </summary>
public sealed class AuthenticationCertificateTests : IDisposable
{
    private const string Password = "unit-pfx-pass-4411";

    private readonly FakeTimeProvider time = new();
    private readonly PolicyServices services;
    private readonly X509Certificate2 certificate;
    private readonly string folder = Directory.CreateTempSubdirectory("edgegateway-cert-").FullName;

    public AuthenticationCertificateTests()
    {
        services = new PolicyServices(new OpenIdKeyCache(OpenIdKeyCache.DefaultRefreshInterval)) { Time = time };
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var made = new CertificateRequest("CN=unit-client", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
    }

    public void Dispose()
    {
        certificate.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private string FromSnapshot(string policy) => $$"""
        { "schemaVersion": 1,
          "certificates": [ { "id": "partner", "thumbprint": "{{certificate.Thumbprint}}", "data": "{{Convert.ToBase64String(certificate.Export(X509ContentType.Pfx))}}" } ],
          "apis": [ { "id": "a", "path": "/a", "subscriptionRequired": false, "backend": { "urls": ["https://127.0.0.1:1"] },
            "policies": { "inbound": [ {{policy}} ] } } ] }
        """;

    private static string FromDisk(string policy, string namedValues = "[]") => $$"""
        { "schemaVersion": 1, "namedValues": {{namedValues}},
          "apis": [ { "id": "a", "path": "/a", "subscriptionRequired": false, "backend": { "urls": ["https://127.0.0.1:1"] },
            "policies": { "inbound": [ {{policy}} ] } } ] }
        """;

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    [Theory]
    [InlineData("certificateId", "partner")]
    [InlineData("thumbprint", null)]
    public void Inbound_CertificateFromTheSnapshot_RunGoesThroughItsClient(string attribute, string? value)
    {
        var harness = new PipelineHarness(FromSnapshot($$"""{ "type": "authentication-certificate", "{{attribute}}": "{{value ?? certificate.Thumbprint}}" }"""), services);
        var run = harness.Run("a");

        Assert.Null(run.BackendClient);
        Assert.Equal(PolicyResult.Continue, PipelineHarness.Inbound(run));
        Assert.Equal(certificate.Thumbprint, run.BackendClient!.Certificate.Thumbprint);
        Assert.True(run.BackendClient.Certificate.HasPrivateKey);
    }

    [Fact]
    public void Inbound_PfxFileWithPasswordFromNamedValue_Loads()
    {
        var path = Path.Combine(folder, "client.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        var harness = new PipelineHarness(FromDisk($$$"""{ "type": "authentication-certificate", "path": {{{Json(path)}}}, "password": "{{pfx}}" }""",
            $$"""[ { "id": "pfx", "value": "{{Password}}", "secret": true } ]"""), services);
        var run = harness.Run("a");
        PipelineHarness.Inbound(run);
        Assert.Equal(certificate.Thumbprint, run.BackendClient!.Certificate.Thumbprint);
    }

    [Fact]
    public void Inbound_PemFileWithKeyPath_Loads()
    {
        var cert = Path.Combine(folder, "client.crt");
        var key = Path.Combine(folder, "client.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var harness = new PipelineHarness(FromDisk($$"""{ "type": "authentication-certificate", "path": {{Json(cert)}}, "keyPath": {{Json(key)}} }"""), services);
        var run = harness.Run("a");
        PipelineHarness.Inbound(run);
        Assert.True(run.BackendClient!.Certificate.HasPrivateKey);
    }

    [Fact]
    public void Inbound_OnePemFileWithCertificateAndKey_LoadsWithItsKey()
    {
        var both = Path.Combine(folder, "client.pem");
        File.WriteAllText(both, certificate.ExportCertificatePem() + "\n" + certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var harness = new PipelineHarness(FromDisk($$"""{ "type": "authentication-certificate", "path": {{Json(both)}} }"""), services);
        var run = harness.Run("a");
        PipelineHarness.Inbound(run);

        Assert.Equal(certificate.Thumbprint, run.BackendClient!.Certificate.Thumbprint);
        Assert.True(run.BackendClient.Certificate.HasPrivateKey);
    }

    [Fact]
    public void Load_CertificateExpiringWithin30Days_WarnedAtEveryLoadAndAtStart_NotBefore()
    {
        var logs = new Sync.CapturingLoggerFactory();
        services.Logger = logs.CreateLogger("EdgeGateway.Policies");
        var policy = """{ "type": "authentication-certificate", "certificateId": "partner" }""";
        time.SetUtcNow(new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero) - TimeSpan.FromDays(31));
        _ = new PipelineHarness(FromSnapshot(policy), services);
        Assert.DoesNotContain(logs.Lines, l => l.EventId == 1235);

        time.Advance(TimeSpan.FromDays(2));
        _ = new PipelineHarness(FromSnapshot(policy), services);
        _ = new PipelineHarness(FromSnapshot(policy), services);

        services.Certificates.WarnExpiring(); // what start-up calls once the host's logging exists

        var warnings = logs.Lines.Where(l => l.EventId == 1235).Select(l => l.Message).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.All(warnings, w => Assert.Contains($"{certificate.Thumbprint} (CN=unit-client) of authentication-certificate expires soon", w, StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_FailsAfterMakingAClient_ThatClientIsLetGo()
    {
        var json = $$"""
            { "schemaVersion": 1,
              "certificates": [ { "id": "partner", "thumbprint": "{{certificate.Thumbprint}}", "data": "{{Convert.ToBase64String(certificate.Export(X509ContentType.Pfx))}}" } ],
              "apis": [
                { "id": "a", "path": "/a", "subscriptionRequired": false, "backend": { "urls": ["https://127.0.0.1:1"] },
                  "policies": { "inbound": [ { "type": "authentication-certificate", "certificateId": "partner" } ] } },
                { "id": "b", "path": "/b", "subscriptionRequired": false, "backend": { "urls": ["https://127.0.0.1:1"] },
                  "policies": { "inbound": [ { "type": "authentication-certificate", "path": {{Json(Path.Combine(folder, "absent.pfx"))}} } ] } } ] }
            """;

        Assert.Contains("cannot read the certificate file", Refusal(json), StringComparison.Ordinal);
        Assert.Equal(0, services.Certificates.Count);
    }

    [Fact]
    public void Compile_WrongPassword_RefusedWithMessage_WithoutThePassword()
    {
        var path = Path.Combine(folder, "client.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        var problem = Refusal(FromDisk($$"""{ "type": "authentication-certificate", "path": {{Json(path)}}, "password": "not-it-9" }"""));

        Assert.Contains("wrong password", problem, StringComparison.Ordinal);
        Assert.Contains(path, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("not-it-9", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("please report", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_MissingFileOrNoKey_RefusedWithMessage()
    {
        Assert.Contains("cannot read the certificate file", Refusal(FromDisk($$"""{ "type": "authentication-certificate", "path": {{Json(Path.Combine(folder, "absent.pfx"))}} }""")),
            StringComparison.Ordinal);
        var cert = Path.Combine(folder, "only.pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        Assert.Contains("no private key", Refusal(FromDisk($$"""{ "type": "authentication-certificate", "path": {{Json(cert)}} }""")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revisions_SameCertificate_ShareOneClient_DisposedAfterGraceOnceUnused()
    {
        var policy = """{ "type": "authentication-certificate", "certificateId": "partner" }""";
        var first = new PipelineHarness(FromSnapshot(policy), services).Run("a");
        var second = new PipelineHarness(FromSnapshot(policy), services).Run("a");
        PipelineHarness.Inbound(first);
        PipelineHarness.Inbound(second);
        Assert.Same(first.BackendClient, second.BackendClient);
        Assert.Equal(1, services.Certificates.Count);

        services.Certificates.Keep(new HashSet<string>([certificate.Thumbprint], StringComparer.OrdinalIgnoreCase));
        Assert.Equal(1, services.Certificates.Count);

        // Not used by the applied config: still open for the previous revision's requests until the grace period ends.
        services.Certificates.Keep(new HashSet<string>());
        Assert.Equal(0, services.Certificates.Count);
        using var before = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/");
        await Assert.ThrowsAsync<HttpRequestException>(() => first.BackendClient!.Invoker.SendAsync(before, CancellationToken.None));

        // Still open once send-request's longest timeout has passed: an old revision's side call is not cut.
        time.Advance(TimeSpan.FromSeconds(Contracts.Policies.SendRequestPolicy.MaxTimeoutSeconds + 1));
        using var late = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/");
        await Assert.ThrowsAsync<HttpRequestException>(() => first.BackendClient!.Invoker.SendAsync(late, CancellationToken.None));
        time.Advance(BackendCertificatesGrace);
        using var after = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.BackendClient!.Invoker.SendAsync(after, CancellationToken.None));
    }

    [Fact]
    public void Grace_OutlastsTheLongestSideCallThroughAnUnusedClient()
    {
        // A send-request with an authentication-certificate child may still be running on the old revision's client for its
        // whole timeout: disposing the client before that would fail a call that had every right to finish.
        Assert.True(BackendCertificatesGrace > TimeSpan.FromSeconds(EdgeGateway.Contracts.Policies.SendRequestPolicy.MaxTimeoutSeconds),
            $"grace {BackendCertificatesGrace} is not longer than the longest side call");
    }

    private static TimeSpan BackendCertificatesGrace => EdgeGateway.Policies.Auth.BackendCertificates.Grace;

    private string Refusal(string json)
    {
        var snapshot = SnapshotReader.Parse(Encoding.UTF8.GetBytes(json)).Snapshot!;
        Assert.True(Contracts.Validation.SnapshotValidator.Validate(snapshot).IsValid);
        Assert.Null(GatewayRuntime.TryCreate(() => new GatewayRuntime(snapshot, "test", DateTimeOffset.UnixEpoch, policyServices: services), out var problem));
        return problem!;
    }
}
