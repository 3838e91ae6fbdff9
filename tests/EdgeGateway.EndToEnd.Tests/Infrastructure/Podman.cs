using System.Diagnostics;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Debian's podman as root, with the flags this kind of machine needs (shared/FIELD-NOTES.md): runc and cgroupfs,
/// because the default crun fails on hybrid cgroups and there is no systemd. scripts/test.sh installs podman and runc.
/// </summary>
public static class Podman
{
    /// <summary>The sandbox refuses podman's default (unlimited) limits; the same limits for builds and containers.</summary>
    public static readonly string[] Ulimits = ["--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096"];

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
    }

    /// <summary>Runs one podman command and waits for it (builds included: bounded by <paramref name="timeout"/>, default 3 minutes).</summary>
    public static async Task<Result> RunAsync(IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("podman")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--runtime", "runc", "--cgroup-manager", "cgroupfs", .. args])
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("podman could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"podman {string.Join(' ', args)} did not finish in time:\n{await stdout}{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>As <see cref="RunAsync"/>, failing with podman's output unless it exits 0.</summary>
    public static async Task<string> CheckAsync(params string[] args)
    {
        var result = await RunAsync(args);
        return result.ExitCode == 0 ? result.Stdout
            : throw new InvalidOperationException($"podman {string.Join(' ', args)} exited with {result.ExitCode}:\n{result.Output}");
    }

    /// <summary>Best effort, for clean-up: never throws.</summary>
    public static async Task TryAsync(params string[] args)
    {
        try
        {
            await RunAsync(args, TimeSpan.FromSeconds(60));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // nothing left to clean, or podman is gone
        }
    }
}
