using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// <c>scripts/run.sh</c> as a user runs it, on free ports and with its state in a scratch folder laid out like the
/// repository (<c>artifacts/demo/</c>, <c>samples/</c>), so commands the docs give "from the repository root" run there
/// unchanged. It uses the binaries under test (EDGEGATEWAY_BIN, MANAGEMENTPLANE_BIN) instead of publishing.
/// </summary>
public sealed class DemoScript : IAsyncDisposable
{
    /// <summary>The line run.sh prints once every part answers.</summary>
    public const string RunningLine = "EdgeGateway demo is running";

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly Dictionary<string, string> environment;

    private DemoScript(string folder, Dictionary<string, string> environment)
    {
        Folder = folder;
        this.environment = environment;
        GatewayPort = int.Parse(environment["PORT"], System.Globalization.CultureInfo.InvariantCulture);
        PlanePort = int.Parse(environment["MP_PORT"], System.Globalization.CultureInfo.InvariantCulture);
        AdminPort = int.Parse(environment["ADMIN_PORT"], System.Globalization.CultureInfo.InvariantCulture);
        BackendPort = int.Parse(environment["BACKEND_PORT"], System.Globalization.CultureInfo.InvariantCulture);
        process = Start(Script, [], environment);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Gateway = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{GatewayPort}"), Timeout = TimeSpan.FromSeconds(30) };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{AdminPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public static string Script { get; } = Path.Combine(GatewayBinary.RepoRoot, "scripts", "run.sh");

    /// <summary>The scratch "repository root": <c>artifacts/demo/</c> is the demo's state, <c>samples</c> links to the real one.</summary>
    public string Folder { get; }

    public string DemoDir => Path.Combine(Folder, "artifacts", "demo");

    public int GatewayPort { get; }

    public int PlanePort { get; }

    public int AdminPort { get; }

    public int BackendPort { get; }

    public HttpClient Gateway { get; }

    public HttpClient Admin { get; }

    public string Output => string.Join('\n', output);

    public string AdminKey => File.ReadAllText(Path.Combine(DemoDir, "admin-key")).Trim();

    public string GatewayToken => File.ReadAllText(Path.Combine(DemoDir, "gateway-token")).Trim();

    /// <summary>Starts <c>scripts/run.sh</c> and waits until it says the demo is running.</summary>
    public static async Task<DemoScript> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("eg-demo-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "artifacts", "demo"));
        Directory.CreateSymbolicLink(Path.Combine(folder, "samples"), Path.Combine(GatewayBinary.RepoRoot, "samples"));
        var env = new Dictionary<string, string>
        {
            ["PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MP_PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ADMIN_PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BACKEND_PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DEMO_DIR"] = Path.Combine(folder, "artifacts", "demo"),
            ["EDGEGATEWAY_BIN"] = GatewayBinary.Executable,
            ["MANAGEMENTPLANE_BIN"] = ManagementPlaneProcess.Executable,
        };

        // The solution build (scripts/test.sh builds it first) leaves the sample backend here; without it run.sh builds it.
        var backend = Path.Combine(GatewayBinary.RepoRoot, "artifacts", "bin", "EchoBackend", "debug", "EchoBackend.dll");
        if (File.Exists(backend))
        {
            env["ECHO_BACKEND_DLL"] = backend;
        }

        var demo = new DemoScript(folder, env);
        try
        {
            await demo.EventuallyAsync(() => Task.FromResult(demo.Output.Contains(RunningLine, StringComparison.Ordinal)),
                "run.sh says the demo is running", timeoutSeconds: 600, stopWhenExited: true);
        }
        catch
        {
            await demo.DisposeAsync();
            throw;
        }

        return demo;
    }

    /// <summary>A subcommand (<c>gateway</c>, <c>plane</c>, <c>stop</c>) with the same settings, as a second terminal would run it.</summary>
    public Task<(int ExitCode, string Output)> SubcommandAsync(string name) => RunAsync(Script, [name]);

    /// <summary>A bash script run in <see cref="Folder"/> (as from the repository root), with the demo's settings in the environment.</summary>
    public Task<(int ExitCode, string Output)> BashAsync(string script) => RunAsync("/bin/bash", ["-c", script]);

    /// <summary>The pid a part's pid file names (gateway, management-plane, echo-backend).</summary>
    public int Pid(string part) => int.Parse(File.ReadAllText(Path.Combine(DemoDir, part + ".pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True while the process runs; a zombie (exited, not yet reaped by its parent) does not count.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Ctrl+C in run.sh's terminal.</summary>
    public void Interrupt()
    {
        if (!process.HasExited)
        {
            _ = kill(process.Id, 2);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        process.WaitForExit();
        return process.ExitCode;
    }

    public async Task EventuallyAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 30, bool stopWhenExited = false)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            if (stopWhenExited && process.HasExited)
            {
                throw new InvalidOperationException($"run.sh exited with {process.ExitCode} before: {what}\n{Output}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"not true within {timeoutSeconds} s: {what}\nrun.sh output:\n{Output}\ngateway log:\n{Log("gateway")}");
    }

    public string Log(string part)
    {
        var path = Path.Combine(DemoDir, part + ".log");
        return File.Exists(path) ? File.ReadAllText(path) : "(none)";
    }

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        Admin.Dispose();
        if (!process.HasExited)
        {
            Interrupt();
            try
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(60));
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        // Whatever a failed test left behind (parts restarted by a subcommand are not run.sh's children).
        foreach (var part in new[] { "gateway", "management-plane", "echo-backend" })
        {
            if (File.Exists(Path.Combine(DemoDir, part + ".pid")) && IsAlive(Pid(part)))
            {
                _ = kill(Pid(part), 9);
            }
        }

        process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args)
    {
        using var run = Start(file, args, environment);
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await run.WaitForExitAsync(cts.Token);
        return (run.ExitCode, await stdout + await stderr);
    }

    private Process Start(string file, string[] args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Folder,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env)
        {
            psi.Environment[key] = value;
        }

        return Process.Start(psi)!;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
