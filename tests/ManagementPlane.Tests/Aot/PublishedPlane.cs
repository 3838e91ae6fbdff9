using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Aot;

/// <summary>
/// The Native AOT binary: <c>MANAGEMENTPLANE_BIN</c> when set (CI publishes once), else published once per test run
/// into artifacts/publish/ManagementPlane. Started as a real process on a free port with its own disk store.
/// </summary>
public sealed class PublishedPlane : IAsyncLifetime, IAsyncDisposable
{
    public const string AdminKey = "aot-admin-key-0123456789";

    private static readonly SemaphoreSlim PublishLock = new(1, 1);
    private static string? published;

    private readonly Dictionary<string, string?> settings;
    private readonly bool ownsStore;
    private Process? process;
    private readonly StringBuilder output = new();

    public PublishedPlane()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>A plane with these environment settings over the defaults (a null value removes one), on its own or the given store.</summary>
    internal PublishedPlane(Dictionary<string, string?> settings, string? storePath = null)
    {
        this.settings = settings;
        ownsStore = storePath is null;
        StorePath = storePath ?? Directory.CreateTempSubdirectory("mp-aot-").FullName;
    }

    public string StorePath { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Whether the process printed <paramref name="text"/> within 60 s (its console logger writes in the background).</summary>
    public async Task<bool> PrintedAsync(string text)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return Output.Contains(text, StringComparison.Ordinal);
    }

    public async Task InitializeAsync()
    {
        var binary = await BinaryAsync();
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var environment = TestKeys.Environment();
        environment["Management__AdminKeys__0"] = AdminKey;
        environment["Management__Store__Disk__Path"] = StorePath;
        environment["ASPNETCORE_URLS"] = BaseAddress.ToString();
        foreach (var (key, value) in settings)
        {
            if (value is null)
            {
                environment.Remove(key);
            }
            else
            {
                environment[key] = value;
            }
        }

        process = Start(binary, environment, output);

        using var client = new HttpClient { BaseAddress = BaseAddress };
        // Generous: it starts in milliseconds, but a shared 2-core CI machine under load has taken over 20 s to schedule it.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/signing-key")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet: the checks below decide whether to wait on
            }

            if (DateTime.UtcNow >= deadline || process.HasExited)
            {
                throw new InvalidOperationException($"the AOT management plane did not start: {Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>What a container platform sends to stop an instance.</summary>
    public void SendSigterm()
    {
        if (process is null || kill(process.Id, 15) != 0)
        {
            throw new InvalidOperationException("kill(SIGTERM) failed: " + Marshal.GetLastPInvokeError());
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await process!.WaitForExitAsync(cts.Token);
        process.WaitForExit(); // drains the redirected output
        return process.ExitCode;
    }

    public Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process?.Dispose();
        try
        {
            if (ownsStore)
            {
                Directory.Delete(StorePath, recursive: true);
            }
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public static Process Start(string binary, Dictionary<string, string> environment, StringBuilder output, params string[] arguments)
    {
        var info = new ProcessStartInfo(binary, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var started = Process.Start(info)!;
        started.OutputDataReceived += (_, e) => Append(output, e.Data);
        started.ErrorDataReceived += (_, e) => Append(output, e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        return started;
    }

    public static async Task<string> BinaryAsync()
    {
        if (Environment.GetEnvironmentVariable("MANAGEMENTPLANE_BIN") is { Length: > 0 } fromEnvironment)
        {
            return File.Exists(fromEnvironment) ? fromEnvironment : throw new FileNotFoundException($"MANAGEMENTPLANE_BIN points at a missing file: {fromEnvironment}");
        }

        await PublishLock.WaitAsync();
        try
        {
            if (published is not null)
            {
                return published;
            }

            var root = RepositoryRoot();
            var outputDir = Path.Combine(root, "artifacts", "publish", "ManagementPlane");
            var log = Path.Combine(Path.GetTempPath(), $"managementplane-publish-{Environment.ProcessId}.log");
            // No redirected pipes: build-server and MSBuild node processes would inherit them and keep them open.
            var info = new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "src", "ManagementPlane"), "-c", "Release", "-r", "linux-x64", "-o", outputDir,
                "--disable-build-servers", "-nologo", "-v", "q", $"-flp:logfile={log};verbosity=minimal"])
            {
                UseShellExecute = false,
            };
            using var publish = Process.Start(info)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
            await publish.WaitForExitAsync(timeout.Token);
            if (publish.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet publish failed (exit {publish.ExitCode}): {await File.ReadAllTextAsync(log)}");
            }

            published = Path.Combine(outputDir, "ManagementPlane");
            return published;
        }
        finally
        {
            PublishLock.Release();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeGateway.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
