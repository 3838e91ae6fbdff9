using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// A private CA and client certificates for validate-client-certificate: one it issued (valid), one it issued that has
/// expired, one it issued for another client, and a self-signed one with the same subject as the valid one.
/// </summary>
public sealed class ClientCertificateSet : IDisposable
{
    public ClientCertificateSet(string folder)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Partner CA, O=EdgeGateway Tests", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(30));
        CaPath = Path.Combine(folder, "client-ca.pem");
        File.WriteAllText(CaPath, Ca.ExportCertificatePem());

        Valid = Issue("CN=billing, O=Partner", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20), 1);
        Other = Issue("CN=shipping, O=Partner", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20), 2);
        Expired = Issue("CN=billing-old, O=Partner", DateTimeOffset.UtcNow.AddDays(-9), DateTimeOffset.UtcNow.AddDays(-2), 3);
        using var selfKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var self = new CertificateRequest("CN=billing, O=Partner", selfKey, HashAlgorithmName.SHA256);
        SelfSigned = Reload(self.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20)));
    }

    public X509Certificate2 Ca { get; }

    public string CaPath { get; }

    public X509Certificate2 Valid { get; }

    public X509Certificate2 Other { get; }

    public X509Certificate2 Expired { get; }

    public X509Certificate2 SelfSigned { get; }

    private X509Certificate2 Issue(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter, byte serial)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(subject[3..subject.IndexOf(',')] + ".partner.example");
        request.CertificateExtensions.Add(san.Build());
        // An expired certificate must still fall inside its issuer's validity, so CreateSelfSigned's CA starts 10 days back.
        using var issued = request.Create(Ca, notBefore, notAfter, [0x10, serial]);
        return Reload(issued.CopyWithPrivateKey(key));
    }

    /// <summary>Through PKCS#12, so the TLS client finds a private key it can use on every platform.</summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }

    public void Dispose()
    {
        foreach (var c in new[] { Ca, Valid, Other, Expired, SelfSigned })
        {
            c.Dispose();
        }
    }
}

/// <summary>One AOT gateway with an HTTPS listener (and a plain one), APIs with and without validate-client-certificate.</summary>
public sealed class ClientCertificateFixture : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();

    public ClientCertificateSet Certificates { get; private set; } = null!;

    public TestBackend Backend { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    public int TlsPort { get; private set; }

    public async Task InitializeAsync()
    {
        Certificates = new ClientCertificateSet(folder.Path);
        var server = new TestCertificates(folder.Path);
        Backend = await TestBackend.StartAsync("main");
        var url = Backend.Url;
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "namedValues": [ { "id": "billing-thumbprint", "value": "{{Certificates.Valid.Thumbprint}}" } ],
              "apis": [
                { "id": "strict", "path": "/strict", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": {
                    "inbound": [ { "type": "validate-client-certificate", "validateRevocation": false } ],
                    "onError": [ { "type": "set-header", "name": "X-Error", "value": "@(context.LastError.Source + \"/\" + context.LastError.Reason)" } ] } },
                { "id": "pinned", "path": "/pinned", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": {
                    "inbound": [ { "type": "validate-client-certificate", "validateRevocation": false,
                                   "identities": [ { "thumbprint": "NV_REF" },
                                                   { "subject": "O=Partner, CN=nobody", "issuerSubject": "CN=Partner CA, O=EdgeGateway Tests" } ] } ],
                    "onError": [ { "type": "set-header", "name": "X-Error", "value": "@(context.LastError.Reason)" } ] } },
                { "id": "lenient", "path": "/lenient", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": { "inbound": [ { "type": "validate-client-certificate", "validateRevocation": false, "validateNotAfter": false,
                                               "identities": [ { "issuerThumbprint": "{{Certificates.Ca.Thumbprint}}" } ] } ] } },
                { "id": "ignore", "path": "/ignore", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": { "inbound": [
                    { "type": "validate-client-certificate", "validateRevocation": false, "ignoreError": true },
                    { "type": "set-header", "name": "X-Had-Certificate", "value": "@(context.Request.Certificate != null ? \"yes\" : \"no\")" } ] } },
                { "id": "expr", "path": "/expr", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": { "inbound": [
                    { "type": "set-header", "name": "X-Client-Thumbprint", "value": "@(context.Request.Certificate?.Thumbprint ?? \"none\")" },
                    { "type": "set-header", "name": "X-Client-Subject", "value": "@(context.Request.Certificate.SubjectName.Name)" } ] } },
                { "id": "named", "path": "/named", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": { "inbound": [ { "type": "validate-client-certificate", "validateRevocation": false,
                                               "identities": [ { "commonName": "billing", "dnsName": "billing.partner.example", "serialNumber": "10 01" } ] } ] } },
                { "id": "open", "path": "/open", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] } } ] }
            """.Replace("NV_REF", "{{billing-thumbprint}}", StringComparison.Ordinal));
        TlsPort = Ports.Free();
        var port = Ports.Free();
        Gateway = GatewayProcess.Launch(folder.ConfigFile, [
            "--urls", $"http://127.0.0.1:{port};https://127.0.0.1:{TlsPort}",
            $"--Gateway:Tls:CertificatePath={server.CertificatePath}", $"--Gateway:Tls:KeyPath={server.KeyPath}",
            $"--Gateway:Tls:ClientCaPath={Certificates.CaPath}", "--Logging:LogLevel:Default=Debug"], port: port);
        await Gateway.WaitReadyAsync();
    }

    /// <summary>A client of the HTTPS listener presenting <paramref name="certificate"/> (none when null), over HTTP/1.1 or HTTP/2.</summary>
    public HttpClient Client(X509Certificate2? certificate, bool http2 = false)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                LocalCertificateSelectionCallback = certificate is null ? null : (_, _, _, _, _) => certificate,
            },
        };
        return new HttpClient(handler)
        {
            BaseAddress = new Uri($"https://127.0.0.1:{TlsPort}"),
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
        Certificates.Dispose();
        folder.Dispose();
    }
}

public sealed class ClientCertificateTests(ClientCertificateFixture f) : IClassFixture<ClientCertificateFixture>
{
    private async Task<HttpResponseMessage> GetAsync(X509Certificate2? certificate, string path, bool http2 = false)
    {
        using var client = f.Client(certificate, http2);
        return await client.GetAsync(path);
    }

    private static async Task<Dictionary<string, string>> BackendHeadersAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return echo.RootElement.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    [Fact]
    public async Task IssuedByConfiguredCa_Accepted_OverHttp1AndHttp2()
    {
        using var http1 = await GetAsync(f.Certificates.Valid, "/strict/a");
        Assert.Equal(HttpStatusCode.OK, http1.StatusCode);

        using var http2 = await GetAsync(f.Certificates.Valid, "/strict/b", http2: true);
        Assert.Equal(HttpStatusCode.OK, http2.StatusCode);
        Assert.Equal(HttpVersion.Version20, http2.Version);
    }

    [Fact]
    public async Task SelfSigned_RefusedAsNotTrusted_BackendNotCalled()
    {
        using var response = await GetAsync(f.Certificates.SelfSigned, "/strict/self-signed");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("validate-client-certificate/ClientCertificateNotTrusted", Assert.Single(response.Headers.GetValues("X-Error")));
        Assert.Contains("Invalid client certificate", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("/self-signed", f.Backend.Paths);
    }

    [Fact]
    public async Task NoCertificate_RefusedAsMissing()
    {
        using var response = await GetAsync(null, "/strict/none");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("validate-client-certificate/ClientCertificateNotFound", Assert.Single(response.Headers.GetValues("X-Error")));
        Assert.Contains("Client certificate missing", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identities_ThumbprintPinned_OtherCertificateOfSameCaRefused()
    {
        using var pinned = await GetAsync(f.Certificates.Valid, "/pinned/x");
        Assert.Equal(HttpStatusCode.OK, pinned.StatusCode);

        using var other = await GetAsync(f.Certificates.Other, "/pinned/y");
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        Assert.Equal("ClientCertificateIdentityNotMatched", Assert.Single(other.Headers.GetValues("X-Error")));
    }

    [Fact]
    public async Task Identities_CommonNameDnsNameAndSerial_MatchOnlyTheirCertificate()
    {
        using var billing = await GetAsync(f.Certificates.Valid, "/named/x");
        Assert.Equal(HttpStatusCode.OK, billing.StatusCode);

        using var shipping = await GetAsync(f.Certificates.Other, "/named/y");
        Assert.Equal(HttpStatusCode.Unauthorized, shipping.StatusCode);
    }

    [Fact]
    public async Task Expired_RefusedWithValidateNotAfter_AcceptedWithout()
    {
        using var strict = await GetAsync(f.Certificates.Expired, "/strict/expired");
        Assert.Equal(HttpStatusCode.Unauthorized, strict.StatusCode);
        Assert.Equal("validate-client-certificate/ClientCertificateExpired", Assert.Single(strict.Headers.GetValues("X-Error")));

        using var lenient = await GetAsync(f.Certificates.Expired, "/lenient/expired");
        Assert.Equal(HttpStatusCode.OK, lenient.StatusCode);

        // issuerThumbprint is the configured CA's: a self-signed certificate is not issued by it.
        using var selfSigned = await GetAsync(f.Certificates.SelfSigned, "/lenient/self");
        Assert.Equal(HttpStatusCode.Unauthorized, selfSigned.StatusCode);
    }

    [Fact]
    public async Task IgnoreError_FailedCheckContinues_LaterPolicySeesTheCertificateOrNot()
    {
        using var selfSigned = await GetAsync(f.Certificates.SelfSigned, "/ignore/a");
        Assert.Equal("yes", (await BackendHeadersAsync(selfSigned))["x-had-certificate"]);

        using var none = await GetAsync(null, "/ignore/b");
        Assert.Equal("no", (await BackendHeadersAsync(none))["x-had-certificate"]);
    }

    [Fact]
    public async Task Expression_ThumbprintAndSubject_ReachTheBackend()
    {
        using var response = await GetAsync(f.Certificates.Valid, "/expr/who");

        var headers = await BackendHeadersAsync(response);
        Assert.Equal(f.Certificates.Valid.Thumbprint, headers["x-client-thumbprint"]);
        Assert.Equal(f.Certificates.Valid.SubjectName.Name, headers["x-client-subject"]);
    }

    [Fact]
    public async Task WithoutCertificateOrWithoutTls_PolicySeesNone()
    {
        using var none = await GetAsync(null, "/expr/none");
        Assert.Equal("none", (await BackendHeadersAsync(none))["x-client-thumbprint"]);

        using var plain = await f.Gateway.Client.GetAsync("/strict/plain");
        Assert.Equal(HttpStatusCode.Unauthorized, plain.StatusCode);
        Assert.Equal("validate-client-certificate/ClientCertificateNotFound", Assert.Single(plain.Headers.GetValues("X-Error")));
    }

    [Fact]
    public async Task ApiWithoutThePolicy_AnswersClientWithoutCertificate()
    {
        using var response = await GetAsync(null, "/open/anyone", http2: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Refusal_LoggedWithThumbprintOnly_NeverTheCertificate()
    {
        using var response = await GetAsync(f.Certificates.SelfSigned, "/strict/logged");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        await f.Gateway.PrintedAsync(f.Certificates.SelfSigned.Thumbprint);
        var raw = Convert.ToBase64String(f.Certificates.SelfSigned.RawData);
        Assert.DoesNotContain(raw[..32], f.Gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN CERTIFICATE", f.Gateway.Output, StringComparison.Ordinal);
    }
}

/// <summary>Start-up checks and the never mode, each on a gateway of its own.</summary>
public sealed class ClientCertificateSettingsTests : IDisposable
{
    private readonly ConfigFolder folder = new();

    [Fact]
    public async Task ClientCaPath_Unreadable_StartFailsNamingTheSetting()
    {
        folder.Write("""{ "schemaVersion": 1, "apis": [] }""");
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, [$"--Gateway:Tls:ClientCaPath={folder.File_("missing.pem")}"]);

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Gateway:Tls:ClientCaPath", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NeverMode_CertificateNotAsked_PolicySeesNone()
    {
        using var certificates = new ClientCertificateSet(folder.Path);
        var server = new TestCertificates(folder.Path);
        await using var backend = await TestBackend.StartAsync("main");
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "expr", "path": "/expr", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
              "policies": { "inbound": [ { "type": "set-header", "name": "X-Had", "value": "@(context.Request.Certificate == null ? \"no\" : \"yes\")" } ] } } ] }
            """);
        var (port, tls) = (Ports.Free(), Ports.Free());
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, ["--urls", $"http://127.0.0.1:{port};https://127.0.0.1:{tls}",
            $"--Gateway:Tls:CertificatePath={server.CertificatePath}", $"--Gateway:Tls:KeyPath={server.KeyPath}", "--Gateway:Tls:ClientCertificates=never"], port: port);
        await gateway.WaitReadyAsync();
        var valid = certificates.Valid;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true, LocalCertificateSelectionCallback = (_, _, _, _, _) => valid },
        });

        using var response = await client.GetAsync($"https://127.0.0.1:{tls}/expr/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"x-had\":\"no\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Whether the gateway's HTTPS listener asked this new connection for a certificate (the client sends one only when asked).</summary>
    private static async Task<bool> AskedAsync(int port, X509Certificate2 certificate)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
        });
        return tls.IsMutuallyAuthenticated;
    }

    [Fact]
    public async Task AutoMode_AsksOnlyWhileAPolicyReadsCertificates_FollowsAReload()
    {
        using var certificates = new ClientCertificateSet(folder.Path);
        var server = new TestCertificates(folder.Path);
        await using var backend = await TestBackend.StartAsync("main");
        string Config(int revision, string policies) => $$"""
            { "schemaVersion": 1, "revision": {{revision}}, "apis": [ { "id": "a", "path": "/a", "subscriptionRequired": false,
              "backend": { "urls": ["{{backend.Url}}"] }, "policies": { "inbound": [ {{policies}} ] } } ] }
            """;
        folder.Write(Config(1, """{ "type": "set-header", "name": "X-Plain", "value": "@(context.Request.Method)" }"""));
        var (port, tls) = (Ports.Free(), Ports.Free());
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, ["--urls", $"http://127.0.0.1:{port};https://127.0.0.1:{tls}",
            $"--Gateway:Tls:CertificatePath={server.CertificatePath}", $"--Gateway:Tls:KeyPath={server.KeyPath}"], port: port);
        await gateway.WaitReadyAsync();

        Assert.False(await AskedAsync(tls, certificates.Valid));

        folder.Write(Config(2, """{ "type": "validate-client-certificate", "validateRevocation": false }"""));
        await gateway.EventuallyAsync(() => AskedAsync(tls, certificates.Valid), "new connections asked for a certificate after the reload", 30);
    }

    [Fact]
    public async Task AlwaysMode_PublicListenerAsks_AdminListenerNever()
    {
        using var certificates = new ClientCertificateSet(folder.Path);
        var server = new TestCertificates(folder.Path);
        folder.Write("""{ "schemaVersion": 1, "apis": [] }""");
        var (port, tls, admin) = (Ports.Free(), Ports.Free(), Ports.Free());
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, ["--urls", $"http://127.0.0.1:{port};https://127.0.0.1:{tls}",
            $"--Gateway:AdminUrls=https://127.0.0.1:{admin}", "--Gateway:Tls:ClientCertificates=always",
            $"--Gateway:Tls:CertificatePath={server.CertificatePath}", $"--Gateway:Tls:KeyPath={server.KeyPath}"], port: port);
        await gateway.WaitReadyAsync();

        Assert.True(await AskedAsync(tls, certificates.Valid));
        Assert.False(await AskedAsync(admin, certificates.Valid));
    }

    public void Dispose() => folder.Dispose();
}
