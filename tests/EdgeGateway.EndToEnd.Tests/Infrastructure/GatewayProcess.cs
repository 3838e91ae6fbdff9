using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>The published gateway running as a real process on a free loopback port.</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly ConcurrentQueue<string> standardOutput = new();

    private GatewayProcess(Process process, int port, int adminPort)
    {
        this.process = process;
        Port = port;
        AdminPort = adminPort;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(30) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); standardOutput.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>The admin listener (<c>Gateway:AdminUrls</c>): where the full status JSON is served.</summary>
    public int AdminPort { get; }

    public HttpClient Admin { get; }

    public string Output => string.Join('\n', output);

    /// <summary>What the gateway wrote to stdout only (the access log; console logs are on stderr), a line each.</summary>
    public IReadOnlyList<string> StandardOutputLines => [.. standardOutput];

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Starts the gateway without waiting for it: for tests of failed starts.</summary>
    public static GatewayProcess Launch(string configFile, IEnumerable<string>? args = null, IDictionary<string, string>? env = null, int? port = null)
    {
        var p = port ?? Ports.Free();
        var psi = new ProcessStartInfo(GatewayBinary.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{p}");
        psi.ArgumentList.Add($"--Gateway:ConfigFile={configFile}");
        var admin = Ports.Free();
        psi.ArgumentList.Add($"--Gateway:AdminUrls=http://127.0.0.1:{admin}");
        foreach (var arg in args ?? [])
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        return new GatewayProcess(Process.Start(psi)!, p, admin);
    }

    /// <summary>Starts the gateway and waits until it is ready; fails with its output if it exits instead.</summary>
    public static async Task<GatewayProcess> StartAsync(string configFile, IEnumerable<string>? args = null, IDictionary<string, string>? env = null)
    {
        var gateway = Launch(configFile, args, env);
        await gateway.WaitReadyAsync();
        return gateway;
    }

    public async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60); // generous: a busy 2-core machine may start several at once
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"gateway exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await probe.GetAsync("/healthz/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"gateway not ready within 60 s:\n{Output}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        process.WaitForExit(); // drains the redirected output
        return process.ExitCode;
    }

    /// <summary>What a container platform sends to stop an instance.</summary>
    public void SendSigterm()
    {
        if (kill(process.Id, 15) != 0)
        {
            throw new InvalidOperationException("kill(SIGTERM) failed: " + Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>The gateway's own account of itself: GET /status-0123456789abcdef on the admin listener (the public one answers empty).</summary>
    public async Task<System.Text.Json.JsonElement> StatusAsync() =>
        System.Text.Json.JsonDocument.Parse(await Admin.GetStringAsync("/status-0123456789abcdef")).RootElement;

    /// <summary>Polls until the condition holds (config reloads, health checks): fails with the gateway's output after the timeout.</summary>
    /// <summary>Waits until the running gateway has printed <paramref name="text"/>: its output is read asynchronously, so a
    /// line can arrive a moment after the status already shows what it reports.</summary>
    public Task PrintedAsync(string text, int timeoutSeconds = 30) =>
        EventuallyAsync(() => Task.FromResult(Output.Contains(text, StringComparison.Ordinal)), $"printed '{text}'", timeoutSeconds);

    public async Task EventuallyAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"not true within {timeoutSeconds} s: {what}\ngateway output:\n{Output}");
    }

    private bool disposed;

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Client.Dispose();
        Admin.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}

/// <summary>Runs the gateway binary as a one-shot command (keygen, sign, validate).</summary>
public static class GatewayCommand
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(null, args);

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IDictionary<string, string>? env, params string[] args) =>
        RunExecutableAsync(GatewayBinary.Executable, env, args);

    /// <summary>Runs <paramref name="executable"/> (either binary) to its end, with its output; at most 90 s.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunExecutableAsync(string executable, IDictionary<string, string>? env, string[] args)
    {
        var psi = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A temp folder with the gateway's config file, written atomically like an editor or a ConfigMap would.</summary>
public sealed class ConfigFolder : IDisposable
{
    public ConfigFolder()
    {
        Path = Directory.CreateTempSubdirectory("eg-e2e-").FullName;
        ConfigFile = System.IO.Path.Combine(Path, "gateway.json");
    }

    public string Path { get; }

    public string ConfigFile { get; }

    public string Write(string json) => WriteBytes(Encoding.UTF8.GetBytes(json));

    public string WriteBytes(byte[] bytes)
    {
        var temp = ConfigFile + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, ConfigFile, overwrite: true);
        return ConfigFile;
    }

    public string File_(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
