using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Contracts.Net;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies;
using EdgeGateway.Policies.ClientCertificates;
using EdgeGateway.Policies.Jwt;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies.ClientCertificates;

/// <summary>
/// Gateway:Tls:ForwardedClientCertificateHeader: believed only from a trusted proxy, read lazily once per request, the same
/// certificate object (and so one chain verdict) for every request presenting it, and what validate-client-certificate makes of it.
/// </summary>
public sealed class ForwardedClientCertificatesTests : IDisposable
{
    private const string Header = "X-Forwarded-Client-Cert";

    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly IpRangeSet Loopback = IpRangeSet.Create([Range("127.0.0.1")]);

    private readonly FakeTimeProvider time = new(Now);
    private readonly RecordingLogger log = new();
    private readonly X509Certificate2 ca;
    private readonly X509Certificate2 client;
    private readonly X509Certificate2 selfSigned;

    public ForwardedClientCertificatesTests()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Partner CA, O=Tests", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        ca = caRequest.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=billing, O=Partner", key, HashAlgorithmName.SHA256);
        client = request.Create(ca, Now.AddDays(-10), Now.AddDays(10), [0x01]);
        selfSigned = request.CreateSelfSigned(Now.AddDays(-10), Now.AddDays(10));
    }

    private static IpRange Range(string entry)
    {
        Assert.Null(IpText.ParseEntry(entry, out var range));
        return range;
    }

    private ForwardedClientCertificates Source(IpRangeSet trusted) => new(Header, trusted, time, log);

    private static DefaultHttpContext Request(string? value, string peer = "127.0.0.1")
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (value is not null)
        {
            http.Request.Headers[Header] = value;
        }

        return http;
    }

    private static string Xfcc(X509Certificate2 certificate) => ForwardedCertificateHeaderTests.Element(certificate);

    [Fact]
    public void Read_FromTrustedProxy_TheCertificate()
    {
        var certificate = Source(Loopback).Read(Request(Xfcc(client)));

        Assert.Equal(client.Thumbprint, certificate?.Thumbprint);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("::1")]
    public void Read_FromAPeerNotTrusted_Ignored(string peer)
    {
        Assert.Null(Source(Loopback).Read(Request(Xfcc(client), peer)));
        Assert.Contains(log.Lines, l => l.Id == 1221 && l.Text.Contains("not in Gateway:TrustedProxies", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_NoTrustedProxiesAtAll_Ignored()
    {
        Assert.Null(Source(IpRangeSet.Empty).Read(Request(Xfcc(client))));
    }

    [Fact]
    public void Read_SameCertificateAgain_SameObject_UntilItsLifetimeEnds()
    {
        var source = Source(Loopback);

        var first = source.Read(Request(Xfcc(client)));
        var again = source.Read(Request(Uri.EscapeDataString(client.ExportCertificatePem())));
        time.Advance(ForwardedClientCertificates.Lifetime);
        var later = source.Read(Request(Xfcc(client)));

        // One object per distinct certificate: ClientCertificateTrust's verdict (a chain build) is kept per object.
        Assert.Same(first, again);
        Assert.NotSame(first, later);
        Assert.Equal(first!.Thumbprint, later!.Thumbprint);
    }

    [Fact]
    public void Read_Malformed_NoCertificate_DebugLineWithoutTheValue()
    {
        var value = "Hash=abc;Cert=\"-----BEGIN%20CERTIFICATE-----%0Asecret-looking-text%0A-----END%20CERTIFICATE-----\"";

        Assert.Null(Source(Loopback).Read(Request(value)));

        var line = Assert.Single(log.Lines);
        Assert.Equal((1221, LogLevel.Debug), (line.Id, line.Level));
        Assert.Contains(Header, line.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-looking-text", line.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Base64OfSomethingElse_NoCertificate()
    {
        // Decodes (a DER SEQUENCE header, then zeros) but is no certificate.
        Assert.Null(Source(Loopback).Read(Request("MIIA" + Convert.ToBase64String(new byte[60]))));
        Assert.Contains("the value is not an X.509 certificate", Assert.Single(log.Lines).Text, StringComparison.Ordinal);
    }

    private PolicyRun Run(string? value, IpRangeSet trusted, X509Certificate2? tls = null, string policy = """{ "type": "validate-client-certificate", "validateRevocation": false }""")
    {
        var services = new PolicyServices(new OpenIdKeyCache(TimeSpan.FromHours(1))) { Time = time, ClientCertificates = new ClientCertificateTrust([ca]) };
        var harness = new PipelineHarness(PipelineHarness.Doc($$"""
            [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] }, "policies": { "inbound": [ {{policy}} ] } } ]
            """), services);
        return harness.Run("a", trustedProxies: trusted, forwardedCertificates: Source(trusted), request: r =>
        {
            r.HttpContext.Connection.RemoteIpAddress = IPAddress.Loopback;
            if (value is not null)
            {
                r.Headers[Header] = value;
            }

            if (tls is not null)
            {
                r.HttpContext.Features.Set<ITlsConnectionFeature>(new TlsFeature(tls));
            }
        });
    }

    private static async Task<PolicyResult> InboundAsync(PolicyRun run) => await PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound);

    [Fact]
    public async Task ValidateClientCertificate_ForwardedIssuedByTrustedCa_Accepted()
    {
        var run = Run(Xfcc(client), Loopback);

        Assert.Equal(PolicyResult.Continue, await InboundAsync(run));
        Assert.Null(run.LastError);
    }

    [Fact]
    public async Task ValidateClientCertificate_ForwardedSelfSigned_NotTrusted()
    {
        var run = Run(Xfcc(selfSigned), Loopback);

        Assert.Equal(PolicyResult.Failed, await InboundAsync(run));
        Assert.Equal(("ClientCertificateNotTrusted", 401), (run.LastError!.Reason, run.LastError.StatusCode));
    }

    [Fact]
    public async Task ValidateClientCertificate_HeaderFromUntrustedPeer_NotFound()
    {
        var run = Run(Xfcc(client), IpRangeSet.Empty);

        Assert.Equal(PolicyResult.Failed, await InboundAsync(run));
        Assert.Equal("ClientCertificateNotFound", run.LastError!.Reason);
    }

    [Fact]
    public async Task ValidateClientCertificate_TlsCertificatePresent_HeaderNotRead()
    {
        // The connection's own certificate wins: a header naming a trusted certificate does not rescue a self-signed one.
        var run = Run(Xfcc(client), Loopback, tls: selfSigned);

        Assert.Equal(PolicyResult.Failed, await InboundAsync(run));
        Assert.Equal("ClientCertificateNotTrusted", run.LastError!.Reason);
        Assert.Empty(log.Lines);
    }

    [Fact]
    public void ClientCertificate_NoPolicyReadsIt_HeaderNeverParsed()
    {
        var run = Run("garbage", Loopback, policy: """{ "type": "set-header", "name": "X-A", "value": "b" }""");

        PipelineHarness.Inbound(run);

        Assert.Empty(log.Lines); // lazily: a malformed header would have logged, had anything read it
        Assert.Null(run.ClientCertificate);
        Assert.Single(log.Lines);
        Assert.Null(run.ClientCertificate); // once per request: no second parse, no second line
        Assert.Single(log.Lines);
    }

    public void Dispose()
    {
        ca.Dispose();
        client.Dispose();
        selfSigned.Dispose();
    }

    private sealed class TlsFeature(X509Certificate2 certificate) : ITlsConnectionFeature
    {
        public X509Certificate2? ClientCertificate { get; set; } = certificate;

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(ClientCertificate);
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(int Id, LogLevel Level, string Text)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((eventId.Id, logLevel, formatter(state, exception)));
    }
}
