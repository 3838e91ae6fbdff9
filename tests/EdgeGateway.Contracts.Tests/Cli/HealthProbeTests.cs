using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeGateway.Contracts.Cli;

namespace EdgeGateway.Contracts.Tests.Cli;

/// <summary>The shared part of both binaries' <c>healthcheck</c>: which URL it probes, its options, and its verdicts.</summary>
public sealed class HealthProbeTests
{
    [Theory]
    [InlineData("http://+:8080", "http://127.0.0.1:8080/healthz/ready")]
    [InlineData("http://*:9000", "http://127.0.0.1:9000/healthz/ready")]
    [InlineData("http://0.0.0.0:81", "http://127.0.0.1:81/healthz/ready")]
    [InlineData("http://[::]:82", "http://127.0.0.1:82/healthz/ready")]
    [InlineData("http://localhost:5000", "http://127.0.0.1:5000/healthz/ready")]
    [InlineData("http://plane.internal:8080", "http://127.0.0.1:8080/healthz/ready")]
    [InlineData("http://[::1]:83", "http://[::1]:83/healthz/ready")]
    [InlineData("https://+:8443;http://10.1.2.3:8080", "http://10.1.2.3:8080/healthz/ready")]
    [InlineData("http://+", "http://127.0.0.1:80/healthz/ready")]
    public void ReadyUrl_FirstHttpListener_On127001_ExceptForAnIpAddress(string urls, string expected) =>
        Assert.Equal(new Uri(expected), HealthProbe.ReadyUrl(urls));

    [Theory]
    [InlineData("http://+:8080", "http://127.0.0.1:9090", "http://127.0.0.1:8080/healthz/ready", false)]
    [InlineData("https://+:8443", "http://127.0.0.1:9090", "http://127.0.0.1:9090/healthz/ready", false)]
    [InlineData("https://+:8443", "https://127.0.0.1:9090", "https://127.0.0.1:8443/healthz/ready", true)]
    [InlineData("https://[::]:8443", null, "https://127.0.0.1:8443/healthz/ready", true)]
    public void Choose_HttpListener_ThenHttpAdmin_ThenOwnHttpsOnLoopback(string urls, string? admin, string expected, bool ownHttps)
    {
        var chosen = HealthProbe.Choose(urls, admin);
        Assert.NotNull(chosen);
        Assert.Equal((new Uri(expected), ownHttps), chosen.Value);
    }

    [Fact]
    public async Task RunAsync_NothingToProbe_Exits1_SayingSo()
    {
        var stderr = new StringWriter();
        var options = HealthProbe.Parse("X", [], TextWriter.Null)!;
        Assert.Equal(1, await HealthProbe.RunAsync(options, "ftp://+:21", null, stderr));
        Assert.Contains("no http:// or https:// listener to probe", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadyUrl_OnlyHttps_IsNull() => Assert.Null(HealthProbe.ReadyUrl("https://+:8443"));

    [Fact]
    public void UrlsFromHttpPorts_EachPortOnAllInterfaces() =>
        Assert.Equal("http://*:8080;http://*:8081", HealthProbe.UrlsFromHttpPorts("8080;8081"));

    [Fact]
    public void Parse_UrlOverride_BareOriginMeansItsReadyPath_AndTimeout()
    {
        var parsed = HealthProbe.Parse("X", ["--url", "http://127.0.0.1:9090", "--timeout=2.5"], TextWriter.Null)!;
        Assert.Equal(new Uri("http://127.0.0.1:9090/healthz/ready"), parsed.Url);
        Assert.Equal(TimeSpan.FromSeconds(2.5), parsed.Timeout);
        Assert.Equal(new Uri("http://h:1/other"), HealthProbe.Parse("X", ["--url=http://h:1/other"], TextWriter.Null)!.Url);
        Assert.Equal(HealthProbe.DefaultTimeout, HealthProbe.Parse("X", [], TextWriter.Null)!.Timeout);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("301")]
    [InlineData("1e309")]
    [InlineData("soon")]
    public void Parse_TimeoutNotASensibleNumberOfSeconds_IsAUsageError_NotAnException(string timeout)
    {
        var stderr = new StringWriter();
        Assert.Null(HealthProbe.Parse("X", ["--timeout", timeout], stderr));
        Assert.StartsWith($"error: --timeout '{timeout}' is not a number of seconds", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OwnHttpsListener_CertificateNotValidated_ButAnExplicitUrlIsValidated()
    {
        // A self-signed certificate for another name, as a gateway's https listener has: validation would fail.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=gateway.example.com", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nready";

        await using (var server = await OneAnswerServer.StartAsync(Ok, certificate))
        {
            var stderr = new StringWriter();
            Assert.Equal(0, await HealthProbe.RunAsync(server.Url, TimeSpan.FromSeconds(30), stderr, ownLoopbackListener: true));
            Assert.Empty(stderr.ToString());
        }

        await using (var server = await OneAnswerServer.StartAsync(Ok, certificate))
        {
            var stderr = new StringWriter();
            Assert.Equal(1, await HealthProbe.RunAsync(server.Url, TimeSpan.FromSeconds(30), stderr));
            Assert.Contains("SSL", stderr.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunAsync_200_Exits0_Silently()
    {
        await using var server = await OneAnswerServer.StartAsync("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nready");
        var stderr = new StringWriter();
        Assert.Equal(0, await HealthProbe.RunAsync(server.Url, TimeSpan.FromSeconds(30), stderr));
        Assert.Empty(stderr.ToString());
    }

    [Fact]
    public async Task RunAsync_503_Exits1_WithTheStatusAndReasonOnOneLine()
    {
        await using var server = await OneAnswerServer.StartAsync("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 16\r\nConnection: close\r\n\r\nnot ready: no\r\nx");
        var stderr = new StringWriter();
        Assert.Equal(1, await HealthProbe.RunAsync(server.Url, TimeSpan.FromSeconds(30), stderr));
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("answered 503", line, StringComparison.Ordinal);
        Assert.Contains("not ready: no", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoAnswer_Exits1_SayingTimeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(); // accepts into the backlog, never answers
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/healthz/ready");
        var stderr = new StringWriter();
        Assert.Equal(1, await HealthProbe.RunAsync(url, TimeSpan.FromSeconds(0.5), stderr));
        Assert.Contains("did not answer within 0.5 s", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A listener that reads one request and writes a canned answer.</summary>
    private sealed class OneAnswerServer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private X509Certificate2? certificate;
        private Task serving = Task.CompletedTask;

        public Uri Url => new($"{(certificate is null ? "http" : "https")}://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/healthz/ready");

        /// <summary>With <paramref name="certificate"/>, answers over TLS.</summary>
        public static Task<OneAnswerServer> StartAsync(string answer, X509Certificate2? certificate = null)
        {
            var server = new OneAnswerServer { certificate = certificate };
            server.listener.Start();
            server.serving = server.ServeAsync(answer);
            return Task.FromResult(server);
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            await serving.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        private async Task ServeAsync(string answer)
        {
            using var client = await listener.AcceptTcpClientAsync();
            Stream stream = client.GetStream();
            if (certificate is not null)
            {
                var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(certificate);
                stream = tls;
            }

            var buffer = new byte[4096];
            var read = 0;
            while (!Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read));
                if (n == 0)
                {
                    return; // the client went away (a failed certificate check closes after the server's handshake)
                }

                read += n;
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
        }
    }
}
