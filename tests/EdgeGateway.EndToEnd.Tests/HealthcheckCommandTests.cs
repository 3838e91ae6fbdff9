using System.Diagnostics;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// <c>EdgeGateway healthcheck</c> through the AOT binary, as a container's exec-form HEALTHCHECK runs it: exit 0 against
/// a ready gateway at the port derived from <c>--urls</c> / ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS, 1 with one line
/// on stderr when nothing listens or the probe is refused, 1 on a bad option too (never Docker's reserved 2); the admin
/// listener when the listeners are https only, else the https listener on loopback without certificate validation.
/// </summary>
public sealed class HealthcheckCommandTests : IAsyncLifetime
{
    private const string Config = """
        { "schemaVersion": 1, "revision": 1, "apis": [ { "id": "a", "path": "/a", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:9"] } } ] }
        """;

    private readonly ConfigFolder folder = new();
    private GatewayProcess gateway = null!;

    public async Task InitializeAsync()
    {
        folder.Write(Config);
        gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
    }

    public async Task DisposeAsync()
    {
        await gateway.DisposeAsync();
        folder.Dispose();
    }

    [Fact]
    public async Task ReadyGateway_PortFromUrlsArgument_Exit0_Silently()
    {
        var (code, stdout, stderr) = await GatewayCommand.RunAsync("healthcheck", "--urls", $"http://+:{gateway.Port}");
        Assert.True(code == 0, $"exit {code}: {stdout}{stderr}");
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task ReadyGateway_PortFromAspNetCoreUrls_Exit0()
    {
        var (code, _, stderr) = await GatewayCommand.RunAsync(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://0.0.0.0:{gateway.Port}" }, "healthcheck");
        Assert.True(code == 0, $"exit {code}: {stderr}");
    }

    [Fact]
    public async Task ReadyGateway_PortFromAspNetCoreHttpPorts_Exit0_AndTheGatewayListensThere()
    {
        // The gateway itself started with only ASPNETCORE_HTTP_PORTS (as the .NET container images set it): both agree.
        var port = Ports.Free();
        var env = new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        using var process = StartWithoutUrls(env);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            (int Code, string Stdout, string Stderr) result;
            do
            {
                Assert.False(process.HasExited, "the gateway exited");
                result = await GatewayCommand.RunAsync(env, "healthcheck", "--timeout", "2");
            }
            while (result.Code != 0 && DateTime.UtcNow < deadline && await Delay());

            Assert.True(result.Code == 0, $"exit {result.Code}: {result.Stderr}");

            // The gateway itself listens there, checked without the healthcheck's own port logic.
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var direct = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz/ready"));
            Assert.Equal(200, (int)direct.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task UrlOverride_ProbesThatUrl_AdminListenerToo()
    {
        var (code, _, stderr) = await GatewayCommand.RunAsync("healthcheck", "--url", $"http://127.0.0.1:{gateway.AdminPort}");
        Assert.True(code == 0, $"exit {code}: {stderr}");

        // --url wins over --urls and the environment.
        var (wrong, _, wrongErr) = await GatewayCommand.RunAsync(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://+:{gateway.Port}" },
            "healthcheck", "--url", $"http://127.0.0.1:{gateway.Port}/healthz/nope");
        Assert.Equal(1, wrong);
        Assert.Contains("answered 404", wrongErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingListens_Exit1_OneLineSayingRefused()
    {
        var port = Ports.Free();
        var (code, stdout, stderr) = await GatewayCommand.RunAsync("healthcheck", "--urls", $"http://+:{port}");
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"http://127.0.0.1:{port}/healthz/ready", line, StringComparison.Ordinal);
        Assert.Contains("connection refused", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpsOnlyUrls_ProbesTheHttpAdminListenerFromTheEnvironment_Exit0()
    {
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"https://+:{Ports.Free()}",
            ["Gateway__AdminUrls"] = $"http://127.0.0.1:{gateway.AdminPort}",
        };
        var (code, _, stderr) = await GatewayCommand.RunAsync(env, "healthcheck");
        Assert.True(code == 0, $"exit {code}: {stderr}");
    }

    [Fact]
    public async Task HttpsOnlyGateway_ProbedOnLoopback_CertificateNotValidated_Exit0_ButValidatedWithUrl()
    {
        using var tlsFolder = new ConfigFolder();
        tlsFolder.Write(Config);
        var certificates = new TestCertificates(tlsFolder.Path); // issued by a private CA nothing trusts
        var tls = Ports.Free();
        await using var https = GatewayProcess.Launch(tlsFolder.ConfigFile, ["--urls", $"https://+:{tls}",
            $"--Gateway:Tls:CertificatePath={certificates.CertificatePath}", $"--Gateway:Tls:KeyPath={certificates.KeyPath}"]);
        await WaitAdminReadyAsync(https);

        var env = new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"https://[::]:{tls}" };
        var (code, _, stderr) = await GatewayCommand.RunAsync(env, "healthcheck");
        Assert.True(code == 0, $"exit {code}: {stderr}");

        (code, _, stderr) = await GatewayCommand.RunAsync("healthcheck", "--url", $"https://127.0.0.1:{tls}");
        Assert.Equal(1, code);
        Assert.Contains("SSL", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--verbose")]
    [InlineData("--url", "ftp://x")]
    [InlineData("--timeout", "soon")]
    [InlineData("--timeout", "NaN")]
    public async Task BadOption_Exit1_WithUsage_NeverDockersReserved2(params string[] options)
    {
        var (code, _, stderr) = await GatewayCommand.RunAsync(["healthcheck", .. options]);
        Assert.Equal(1, code);
        Assert.Contains("usage: EdgeGateway healthcheck", stderr, StringComparison.Ordinal);
    }

    /// <summary>Waits for <c>/healthz/ready</c> on the gateway's http admin listener (its public one is https only here).</summary>
    private static async Task WaitAdminReadyAsync(GatewayProcess process)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"the gateway exited: {process.Output}");
            try
            {
                using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{process.AdminPort}/healthz/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(50);
        }

        Assert.Fail($"gateway not ready within 60 s:\n{process.Output}");
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(200);
        return true;
    }

    private Process StartWithoutUrls(Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(GatewayBinary.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add($"--Gateway:ConfigFile={folder.ConfigFile}");
        foreach (var (key, value) in env)
        {
            psi.Environment[key] = value;
        }

        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}

/// <summary>
/// Both binaries' <c>healthcheck</c> with a management plane: exit 0 against a ready plane (and its anonymous probes),
/// 1 against a hybrid gateway that listens but is not ready (plane gone, no backup), saying 503.
/// </summary>
public sealed class PlaneHealthcheckCommandTests : PlaneFixture
{
    [Fact]
    public async Task ReadyPlane_Exit0_PortFromUrlsArgumentOrAspNetCoreUrls_ProbesAnonymous()
    {
        var (code, _, stderr) = await PlaneCommand.RunAsync(null, "healthcheck", "--urls", $"http://+:{Plane.Port}");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        (code, _, stderr) = await PlaneCommand.RunAsync(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Plane.Port}" }, "healthcheck");
        Assert.True(code == 0, $"exit {code}: {stderr}");

        using var anonymous = new HttpClient { BaseAddress = new Uri(Plane.Url) };
        Assert.Equal("live", await anonymous.GetStringAsync("/healthz/live"));
        Assert.Equal("ready", await anonymous.GetStringAsync("/healthz/ready"));
    }

    [Fact]
    public async Task PlaneGone_Exit1_Refused_BadOptionExit1()
    {
        var port = Ports.Free();
        var (code, _, stderr) = await PlaneCommand.RunAsync(null, "healthcheck", "--url", $"http://127.0.0.1:{port}");
        Assert.Equal(1, code);
        Assert.Contains("connection refused", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);

        (code, _, stderr) = await PlaneCommand.RunAsync(null, "healthcheck", "--port", "1");
        Assert.Equal(1, code);
        Assert.Contains("--port", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HybridGateway_UpButNotReady_Exit1_Saying503_ThenReadyOnceThePlaneAnswers()
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1");
        env["ManagementPlane__StartupTimeout"] = "00:10:00"; // waits, listening but not ready, for the plane
        Plane.Kill();

        await using var gateway = GatewayProcess.Launch("", env: env);
        await gateway.PrintedAsync("NOT READY", 60);

        var (code, _, stderr) = await GatewayCommand.RunAsync("healthcheck", "--urls", $"http://127.0.0.1:{gateway.Port}");
        Assert.Equal(1, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("answered 503", line, StringComparison.Ordinal);
        Assert.Contains("not ready", line, StringComparison.Ordinal);

        await Plane.RestartAsync();
        await gateway.WaitReadyAsync();
        (code, _, stderr) = await GatewayCommand.RunAsync("healthcheck", "--urls", $"http://127.0.0.1:{gateway.Port}");
        Assert.True(code == 0, $"exit {code}: {stderr}");
    }
}

/// <summary>Runs the management plane binary as a one-shot command.</summary>
internal static class PlaneCommand
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(Dictionary<string, string>? env, params string[] args) =>
        GatewayCommand.RunExecutableAsync(ManagementPlaneProcess.Executable, env, args);
}
