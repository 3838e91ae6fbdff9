using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// Two AOT gateways over plain HTTP with Gateway:Tls:ForwardedClientCertificateHeader set, as behind Azure Container Apps'
/// ingress: one trusts 127.0.0.1 as its proxy (the test plays the proxy), the other trusts no proxy.
/// </summary>
public sealed class ForwardedClientCertificateFixture : IAsyncLifetime
{
    public const string Header = "X-Forwarded-Client-Cert";

    private readonly ConfigFolder folder = new();

    public ClientCertificateSet Certificates { get; private set; } = null!;

    public TestBackend Backend { get; private set; } = null!;

    /// <summary>Gateway:TrustedProxies=127.0.0.1: the header is believed.</summary>
    public GatewayProcess Trusting { get; private set; } = null!;

    /// <summary>Gateway:TrustedProxies empty: the header is ignored.</summary>
    public GatewayProcess Untrusting { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Certificates = new ClientCertificateSet(folder.Path);
        Backend = await TestBackend.StartAsync("main");
        var url = Backend.Url;
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "apis": [
                { "id": "strict", "path": "/strict", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": {
                    "inbound": [ { "type": "validate-client-certificate", "validateRevocation": false } ],
                    "onError": [ { "type": "set-header", "name": "X-Error", "value": "@(context.LastError.Source + \"/\" + context.LastError.Reason)" } ] } },
                { "id": "expr", "path": "/expr", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": { "inbound": [
                    { "type": "set-header", "name": "X-Client-Thumbprint", "value": "@(context.Request.Certificate?.Thumbprint ?? \"none\")" } ] } } ] }
            """);
        string[] common = [$"--Gateway:Tls:ClientCaPath={Certificates.CaPath}", $"--Gateway:Tls:ForwardedClientCertificateHeader={Header}",
            "--Logging:LogLevel:Default=Debug"];
        Trusting = await GatewayProcess.StartAsync(folder.ConfigFile, [.. common, "--Gateway:TrustedProxies=127.0.0.1"]);
        Untrusting = await GatewayProcess.StartAsync(folder.ConfigFile, common);
    }

    public async Task DisposeAsync()
    {
        await Trusting.DisposeAsync();
        await Untrusting.DisposeAsync();
        await Backend.DisposeAsync();
        Certificates.Dispose();
        folder.Dispose();
    }
}

public sealed class ForwardedClientCertificateTests(ForwardedClientCertificateFixture f) : IClassFixture<ForwardedClientCertificateFixture>
{
    /// <summary>What Container Apps' Envoy sends: the PEM URL-encoded in Cert, with Hash and a quoted Subject beside it.</summary>
    private static string Xfcc(X509Certificate2 certificate) =>
        $"Hash={certificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant()};Cert=\"{Uri.EscapeDataString(certificate.ExportCertificatePem())}\";"
        + $"Subject=\"{certificate.Subject.Replace("\"", "\\\"", StringComparison.Ordinal)}\";URI=";

    private static async Task<HttpResponseMessage> GetAsync(GatewayProcess gateway, string path, string? header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(ForwardedClientCertificateFixture.Header, header);
        }

        return await gateway.Client.SendAsync(request);
    }

    private static void AssertRefused(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"validate-client-certificate/{reason}", Assert.Single(response.Headers.GetValues("X-Error")));
    }

    [Fact]
    public async Task TrustedProxy_CaIssuedCertificate_Accepted_InXfccOrAsBarePem()
    {
        using var xfcc = await GetAsync(f.Trusting, "/strict/xfcc", Xfcc(f.Certificates.Valid));
        Assert.Equal(HttpStatusCode.OK, xfcc.StatusCode);

        // An earlier hop's element comes first; the last element is the nearest proxy's.
        using var hops = await GetAsync(f.Trusting, "/strict/hops", $"{Xfcc(f.Certificates.SelfSigned)},{Xfcc(f.Certificates.Valid)}");
        Assert.Equal(HttpStatusCode.OK, hops.StatusCode);

        using var bare = await GetAsync(f.Trusting, "/strict/bare", Uri.EscapeDataString(f.Certificates.Valid.ExportCertificatePem()));
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        Assert.Contains("/bare", f.Backend.Paths);
    }

    [Fact]
    public async Task TrustedProxy_SelfSignedOrExpired_Refused()
    {
        using var selfSigned = await GetAsync(f.Trusting, "/strict/self-signed", Xfcc(f.Certificates.SelfSigned));
        AssertRefused(selfSigned, "ClientCertificateNotTrusted");
        Assert.DoesNotContain("/self-signed", f.Backend.Paths);

        using var expired = await GetAsync(f.Trusting, "/strict/expired", Xfcc(f.Certificates.Expired));
        AssertRefused(expired, "ClientCertificateExpired");
    }

    [Fact]
    public async Task TrustedProxy_ExpressionReadsTheForwardedCertificate()
    {
        using var response = await GetAsync(f.Trusting, "/expr/who", Xfcc(f.Certificates.Valid));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(f.Certificates.Valid.Thumbprint, echo.RootElement.GetProperty("headers").GetProperty("x-client-thumbprint").GetString());
    }

    [Fact]
    public async Task PeerNotATrustedProxy_HeaderIgnored_CertificateNotFound()
    {
        using var response = await GetAsync(f.Untrusting, "/strict/untrusted", Xfcc(f.Certificates.Valid));

        AssertRefused(response, "ClientCertificateNotFound");
        await f.Untrusting.PrintedAsync("not in Gateway:TrustedProxies");
        await f.Untrusting.PrintedAsync("Gateway:TrustedProxies is empty: the header is never believed");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("Hash=00;Cert=\"-----BEGIN%20CERTIFICATE-----%0AAAAA%0A-----END%20CERTIFICATE-----\"")]
    [InlineData("Hash=00;Cert=\"unclosed")]
    [InlineData("MIIAAAAA")]
    [InlineData("oversized")]
    public async Task Malformed_CertificateNotFound_Not500(string header)
    {
        var value = header == "oversized" ? Xfcc(f.Certificates.Valid) + ";Chain=\"" + new string('A', 17 * 1024) + "\"" : header;

        using var response = await GetAsync(f.Trusting, "/strict/malformed", value);

        AssertRefused(response, "ClientCertificateNotFound");
    }

    [Fact]
    public async Task Malformed_DebugLineWithEventId_NeverTheCertificate()
    {
        using var response = await GetAsync(f.Trusting, "/strict/logged", "Hash=00;Subject=\"CN=proxy\"");
        AssertRefused(response, "ClientCertificateNotFound");

        await f.Trusting.PrintedAsync("[1221] Forwarded client certificate in X-Forwarded-Client-Cert ignored: the last element has no Cert");
        using var accepted = await GetAsync(f.Trusting, "/strict/quiet", Xfcc(f.Certificates.Valid));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var raw = Convert.ToBase64String(f.Certificates.Valid.RawData);
        Assert.DoesNotContain(raw[..32], f.Trusting.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN CERTIFICATE", f.Trusting.Output, StringComparison.Ordinal);
    }
}

/// <summary>Gateway:Tls:ForwardedClientCertificateHeader checked at start.</summary>
public sealed class ForwardedClientCertificateSettingsTests : IDisposable
{
    private readonly ConfigFolder folder = new();

    [Fact]
    public async Task HeaderNameNotAToken_StartFailsNamingTheSetting()
    {
        folder.Write("""{ "schemaVersion": 1, "apis": [] }""");
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, ["--Gateway:Tls:ForwardedClientCertificateHeader=X Client Cert"]);

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Gateway:Tls:ForwardedClientCertificateHeader 'X Client Cert' is not a header name", gateway.Output, StringComparison.Ordinal);
    }

    public void Dispose() => folder.Dispose();
}
