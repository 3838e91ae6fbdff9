using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeGateway.Contracts.Signing;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The Native AOT management plane as a real process on its own disk store: MANAGEMENTPLANE_BIN when the
/// test script published it, otherwise published once per test run into artifacts/e2e.
/// </summary>
public sealed class ManagementPlaneProcess : IAsyncDisposable
{
    public const string AdminKey = "e2e-admin-key-0123456789abcdef";

    private static readonly Lazy<string> Binary = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly ConcurrentQueue<string> output = new();
    private Process process;
    private IDictionary<string, string>? environment;

    private ManagementPlaneProcess(Process process, string storePath, int port)
    {
        this.process = process;
        StorePath = storePath;
        Port = port;
        Url = $"http://127.0.0.1:{port}";
        Admin = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Capture(process);
    }

    /// <summary>The binary under test (published on first use when MANAGEMENTPLANE_BIN is not set).</summary>
    public static string Executable => Binary.Value;

    public string StorePath { get; }

    public int Port { get; }

    public string Url { get; }

    public HttpClient Admin { get; }

    public string Output => string.Join('\n', output);

    /// <summary>Starts the plane on <paramref name="storePath"/> (a free port unless <paramref name="port"/>) with <paramref name="env"/> added to its environment (kept for <see cref="RestartAsync"/>), and waits until it answers.</summary>
    public static async Task<ManagementPlaneProcess> StartAsync(string storePath, int? port = null, IDictionary<string, string>? env = null)
    {
        var p = port ?? Ports.Free();
        var mp = new ManagementPlaneProcess(Launch(storePath, p, env), storePath, p) { environment = env };
        await mp.WaitReadyAsync();
        return mp;
    }

    /// <summary>Stops it hard (as an outage would) and starts it again on the same store and port.</summary>
    public async Task RestartAsync()
    {
        Kill();
        process = Launch(StorePath, Port, environment);
        Capture(process);
        await WaitReadyAsync();
    }

    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
    }

    /// <summary>What a container platform sends to stop an instance (a graceful stop, unlike <see cref="Kill"/>).</summary>
    public void SendSigterm()
    {
        if (kill(process.Id, 15) != 0)
        {
            throw new InvalidOperationException("kill(SIGTERM) failed: " + System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Waits for the process to end and returns its exit code (throws when it is still running after <paramref name="timeout"/>).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        process.WaitForExit(); // drains the redirected output
        return process.ExitCode;
    }

    /// <summary>Declarative apply of a whole config document (PUT /config).</summary>
    public async Task ApplyAsync(string configJson)
    {
        using var response = await Admin.PutAsync("/config", new StringContent(configJson, Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT /config answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public async Task<string> TokenAsync(string gatewayId, DateTimeOffset? expiry = null, string keyType = "primary")
    {
        var body = new Dictionary<string, string>
        {
            ["keyType"] = keyType,
            ["expiry"] = (expiry ?? DateTimeOffset.UtcNow.AddDays(7)).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        };
        using var response = await Admin.PostAsJsonAsync($"/gateways/{gatewayId}/token", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("value").GetString()!;
    }

    public async Task<string> SigningKeyAsync() => await Admin.GetStringAsync("/signing-key");

    public async Task RegenerateKeyAsync(string gatewayId, string keyType = "primary")
    {
        using var response = await Admin.PostAsJsonAsync($"/gateways/{gatewayId}/regenerate-key", new Dictionary<string, string> { ["keyType"] = keyType });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> StatusAsync(string gatewayId) =>
        JsonDocument.Parse(await Admin.GetStringAsync($"/gateways/{gatewayId}/status")).RootElement;

    /// <summary>The gateway settings (as environment variables) for hybrid mode against this plane.</summary>
    public async Task<Dictionary<string, string>> GatewayEnvironmentAsync(string gatewayId, string? token = null) => new()
    {
        ["Gateway__Id"] = gatewayId,
        ["ManagementPlane__Url"] = Url,
        ["ManagementPlane__Token"] = token ?? await TokenAsync(gatewayId),
        ["Trust__SigningKey"] = await SigningKeyAsync(),
        ["ManagementPlane__MaxBackoff"] = "00:00:01",
        ["ManagementPlane__HeartbeatInterval"] = "00:00:01",
        ["ManagementPlane__LongPollWait"] = "00:00:20",
    };

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Kill();
        process.Dispose();
        await Task.CompletedTask;
    }

    private async Task WaitReadyAsync()
    {
        using var probe = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"management plane exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await probe.GetAsync("/signing-key")).StatusCode == HttpStatusCode.OK)
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

        throw new TimeoutException($"management plane not ready:\n{Output}");
    }

    /// <summary>
    /// The plane's keys are settings, apart from its state: real keys, written once next to the store
    /// (<c>management-plane-keys/</c>) and passed as files, so a restart on the same store keeps them and gateways keep trusting it.
    /// </summary>
    private static Process Launch(string storePath, int port, IDictionary<string, string>? env)
    {
        var keys = Path.Combine(storePath, "management-plane-keys");
        var signingKey = Path.Combine(keys, "signing-key.pem");
        var encryptionKey = Path.Combine(keys, "encryption-key");
        if (!File.Exists(signingKey))
        {
            Directory.CreateDirectory(keys);
            using var key = SigningKeys.Generate();
            File.WriteAllText(signingKey, SigningKeys.ExportPrivatePem(key));
            File.WriteAllText(encryptionKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        var psi = new ProcessStartInfo(Binary.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = storePath,
        };
        psi.Environment["Management__AdminKeys__0"] = AdminKey;
        psi.Environment["Management__Store__Disk__Path"] = Path.Combine(storePath, "state");
        psi.Environment["Management__HeartbeatInterval"] = "00:00:01";
        psi.Environment["Management__SigningKeyFile"] = signingKey;
        psi.Environment["Management__EncryptionKeyFile"] = encryptionKey;
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        return Process.Start(psi)!;
    }

    private void Capture(Process p)
    {
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("MANAGEMENTPLANE_BIN") is { Length: > 0 } bin)
        {
            return File.Exists(bin) ? bin : throw new InvalidOperationException($"MANAGEMENTPLANE_BIN={bin} does not exist");
        }

        var output = Path.Combine(GatewayBinary.RepoRoot, "artifacts", "e2e", "ManagementPlane");
        var psi = new ProcessStartInfo("dotnet", ["publish", Path.Combine(GatewayBinary.RepoRoot, "src", "ManagementPlane"),
            "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var publish = Process.Start(psi)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        publish.WaitForExit();
        return publish.ExitCode == 0 ? Path.Combine(output, "ManagementPlane")
            : throw new InvalidOperationException($"dotnet publish failed:\n{stdout.Result}\n{stderr.Result}");
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
