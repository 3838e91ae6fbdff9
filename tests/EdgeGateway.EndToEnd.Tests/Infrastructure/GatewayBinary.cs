using System.Diagnostics;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The Native AOT gateway binary under test: EDGEGATEWAY_BIN when the test script published it already,
/// otherwise published once per test run into artifacts/e2e (slow: 1-2 minutes).
/// </summary>
public static class GatewayBinary
{
    private static readonly Lazy<string> Path = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Executable => Path.Value;

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("EDGEGATEWAY_BIN") is { Length: > 0 } bin)
        {
            return File.Exists(bin) ? bin : throw new InvalidOperationException($"EDGEGATEWAY_BIN={bin} does not exist");
        }

        var output = System.IO.Path.Combine(RepoRoot, "artifacts", "e2e", "EdgeGateway");
        var psi = new ProcessStartInfo("dotnet", ["publish", System.IO.Path.Combine(RepoRoot, "src", "EdgeGateway"),
            "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var publish = Process.Start(psi)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        publish.WaitForExit();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed:\n{stdout.Result}\n{stderr.Result}");
        }

        return System.IO.Path.Combine(output, "EdgeGateway");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "EdgeGateway.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (EdgeGateway.slnx) not found above " + AppContext.BaseDirectory);
    }
}
