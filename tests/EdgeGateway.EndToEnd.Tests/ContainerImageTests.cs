using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Backup.Providers.Tests.Emulators;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// The repository's Dockerfile, both targets built with podman on a local base and the published binaries, run as
/// real containers the way docs/container.md says: non-root (an arbitrary --user too), read-only root filesystem with
/// only /tmp writable, keys and the gateway token as mounted secret files, state and backups in Blob (Azurite).
/// </summary>
public sealed class ContainerImageTests(ContainerImages images) : IClassFixture<ContainerImages>, IDisposable
{
    private const string AdminKey = "container-admin-key-0123456789abcdef";

    /// <summary>Mounted read-only at /run/secrets: what a platform's secret store would provide.</summary>
    private readonly string secrets = Directory.CreateTempSubdirectory("eg-secrets-").FullName;

    [Fact]
    public async Task Images_RunAsNonRootOnPort8080_WithAnExecFormHealthCheck()
    {
        foreach (var (image, binary) in new[] { (images.GatewayImage, "/app/EdgeGateway"), (images.ManagementImage, "/app/ManagementPlane") })
        {
            using var inspect = JsonDocument.Parse(await Podman.CheckAsync("image", "inspect", image));
            var root = inspect.RootElement[0];
            var config = root.GetProperty("Config");
            Assert.Equal("1654", config.TryGetProperty("User", out var user) ? user.GetString() : "(none: root)");
            Assert.Equal([binary], config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["8080/tcp"], config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name));
            // "CMD" (exec form), not "CMD-SHELL": the check runs without a shell in the image.
            Assert.Equal(["CMD", binary, "healthcheck"], root.GetProperty("Healthcheck").GetProperty("Test").EnumerateArray().Select(e => e.GetString()));
        }
    }

    /// <summary>
    /// docker run -v NAME:/data creates the named volume from the image's /data, ownership included; without it the
    /// volume is root's and the plane (uid 1654) cannot write its state. Podman differs (it gives a new volume the
    /// container user's uid when the image has no such directory), so a podman run would pass either way: the image
    /// itself is what is checked.
    /// </summary>
    [Fact]
    public async Task ManagementImage_HasAnEmptyDataDirectoryOwnedByItsUser_ForANamedVolume()
    {
        Assert.Equal("directory 1654:1654 755, 0 entries", await ContainerImages.StatInImageAsync(images.ManagementImage, "/data"));
        using var inspect = JsonDocument.Parse(await Podman.CheckAsync("image", "inspect", images.ManagementImage));
        Assert.Contains("Management__Store__Disk__Path=/data", inspect.RootElement[0].GetProperty("Config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task GatewayImage_Hybrid_ProxiesThenRestartsFromItsBlobBackupWithThePlaneDown_AndStopsCleanly()
    {
        await using var backend = await TestBackend.StartAsync("behind-the-container");
        var planePort = Ports.Free();
        var gatewayPort = Ports.Free();
        await using var plane = await RunPlaneAsync(planePort);
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{planePort}"), Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        await ApplyAsync(admin, HybridSyncTests.Config(backend.Url, "gw1", ("echo", "/echo")));
        await WriteSecretAsync("gateway-token", await TokenAsync(admin, "gw1") + "\n");

        var env = new Dictionary<string, string>
        {
            // The variable the image sets (8080 cannot be used on the host's network): the listener and the image's
            // HEALTHCHECK (podman healthcheck run, below) both take the port from it, as they do by default.
            ["ASPNETCORE_HTTP_PORTS"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway__Id"] = "gw1",
            ["ManagementPlane__Url"] = $"http://127.0.0.1:{planePort}",
            ["ManagementPlane__TokenFile"] = "/run/secrets/gateway-token",
            ["ManagementPlane__MaxBackoff"] = "00:00:01",
            ["Trust__SigningKey"] = await admin.GetStringAsync("/signing-key"),
            ["Backup__Provider"] = "blob",
            ["Backup__Blob__ConnectionString"] = EmulatorFixture.BlobConnectionString(images.Azurite.Port),
            ["Backup__Blob__Container"] = "gw-" + images.RunId,
            ["Backup__Blob__CreateContainer"] = "true",
        };
        string[] asAnyUser = ["--user", "1000:1000", "--volume", $"{secrets}:/run/secrets:ro"];

        await using (var first = await images.RunAsync("gateway-1", images.GatewayImage, env, asAnyUser))
        {
            await first.WaitHttpOkAsync(gatewayPort, "/healthz/ready");
            await AssertProxiedAsync(gatewayPort, "/echo/first", "/first", backend);
            var health = await first.HealthCheckAsync();
            Assert.True(health.ExitCode == 0, $"healthcheck: {health.Output}");
            await first.WaitLoggedAsync("Backed up revision");
        }

        // The plane goes away; a new instance of the gateway (same settings) starts from the backup alone.
        await plane.StopAsync(10);
        await using var second = await images.RunAsync("gateway-2", images.GatewayImage, env, asAnyUser);
        await second.WaitHttpOkAsync(gatewayPort, "/healthz/ready");
        await AssertProxiedAsync(gatewayPort, "/echo/second", "/second", backend);
        Assert.Contains("APIs from backup:", await second.LogsAsync(), StringComparison.Ordinal);
        Assert.Equal(0, (await second.HealthCheckAsync()).ExitCode);

        // SIGTERM: the gateway drains and exits 0 on its own, inside podman's grace period (else SIGKILL, exit 137).
        await second.StopAsync(30);
        Assert.Equal(0, await second.ExitCodeAsync());
        Assert.Contains("EdgeGateway stopped", await second.LogsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GatewayImage_NoConfigYet_HealthCheckReportsUnhealthy()
    {
        var closed = Ports.Free(); // nothing listens there: no management plane, and no backup to start from
        var gatewayPort = Ports.Free();
        using var trust = SigningKeys.Generate();
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{gatewayPort}",
            ["Gateway__Id"] = "gw1",
            ["ManagementPlane__Url"] = $"http://127.0.0.1:{closed}",
            ["ManagementPlane__Token"] = "GatewayKey gw1&203001010000&bm90LWEtcmVhbC10b2tlbg==",
            ["ManagementPlane__StartupTimeout"] = "00:02:00",
            ["Trust__SigningKey"] = SigningKeys.ExportPublicPem(trust),
        };

        // The image's own user this time (no --user).
        await using var gateway = await images.RunAsync("not-ready", images.GatewayImage, env);
        await gateway.WaitLoggedAsync("NOT READY");
        var health = await gateway.HealthCheckAsync();
        Assert.Equal(1, health.ExitCode);
        Assert.Contains("unhealthy", health.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The management plane container: admin key from the environment, its two keys as secret files, state in Blob.</summary>
    private async Task<TestContainer> RunPlaneAsync(int port)
    {
        using (var key = SigningKeys.Generate())
        {
            await WriteSecretAsync("signing-key.pem", SigningKeys.ExportPrivatePem(key));
        }

        await WriteSecretAsync("encryption-key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Management__AdminKeys__0"] = AdminKey,
            ["Management__SigningKeyFile"] = "/run/secrets/signing-key.pem",
            ["Management__EncryptionKeyFile"] = "/run/secrets/encryption-key",
            ["Management__Store__Provider"] = "blob",
            ["Management__Store__Blob__ConnectionString"] = EmulatorFixture.BlobConnectionString(images.Azurite.Port),
            ["Management__Store__Blob__Container"] = "mp-" + images.RunId,
            ["Management__Store__Blob__CreateContainer"] = "true",
        };
        var plane = await images.RunAsync("plane", images.ManagementImage, env, ["--user", "1000:1000", "--volume", $"{secrets}:/run/secrets:ro"]);
        try
        {
            await plane.WaitHttpOkAsync(port, "/healthz/ready");
            var health = await plane.HealthCheckAsync();
            Assert.True(health.ExitCode == 0, $"management plane healthcheck: {health.Output}");
            return plane;
        }
        catch
        {
            await plane.DisposeAsync();
            throw;
        }
    }

    /// <summary>A 200 answered by the backend on the host: the request went through the container.</summary>
    private static async Task AssertProxiedAsync(int port, string path, string backendPath, TestBackend backend)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync($"http://127.0.0.1:{port}{path}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await Echo.ReadAsync(response);
        Assert.Equal(backend.Name, echo.Backend);
        Assert.Equal(backendPath, echo.Path);
    }

    private static async Task ApplyAsync(HttpClient admin, string config)
    {
        using var response = await admin.PutAsync("/config", new StringContent(config, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"PUT /config: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<string> TokenAsync(HttpClient admin, string gatewayId)
    {
        var expiry = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        using var response = await admin.PostAsJsonAsync($"/gateways/{gatewayId}/token", new Dictionary<string, string> { ["keyType"] = "primary", ["expiry"] = expiry });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("value").GetString()!;
    }

    /// <summary>Readable by any uid (the container runs as 1000 or 1654, the files belong to the test's root).</summary>
    private async Task WriteSecretAsync(string name, string content)
    {
        File.SetUnixFileMode(secrets, (UnixFileMode)0b111_101_101);
        var path = Path.Combine(secrets, name);
        await File.WriteAllTextAsync(path, content);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
    }

    public void Dispose() => Directory.Delete(secrets, recursive: true);
}
