using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests.Infra.Terraform;

/// <summary>One parsed file: its blocks as JSON (hcl2json's shape), every reference its expressions make, and whether
/// it is formatted as <c>terraform fmt</c> formats (hclwrite's Format leaves it unchanged).</summary>
internal sealed record HclFile(string Path, JsonElement Body, IReadOnlyList<HclReference> References, bool Formatted);

/// <summary>A traversal found by the HCL parser in an expression: <c>At</c> is where (<c>output.url[0].value</c>).</summary>
internal sealed record HclReference(string At, string Ref);

/// <summary>
/// HashiCorp's HCL parser and formatter (npm <c>@cdktf/hcl2json</c> and <c>@cdktf/hcl-tools</c>, WebAssembly, offline)
/// run through <c>tests/infra-tools/parse-hcl.js</c>.
/// Results are cached by file content, so a test that changes one file of a copy parses only that file again.
/// </summary>
internal static class HclParser
{
    private static readonly ConcurrentDictionary<string, HclFile> Cache = new();
    private static readonly SemaphoreSlim NpmOnce = new(1, 1);
    private static readonly SemaphoreSlim ServerGate = new(1, 1);
    private static readonly StringBuilder ServerErrors = new();
    private static Process? server;

    public static string ToolsFolder { get; } = Path.Combine(GatewayBinary.RepoRoot, "tests", "infra-tools");

    /// <summary>Parses the files (relative to the repository root, or absolute); syntax errors come back as "FILE:LINE,COL: message" lines.</summary>
    public static async Task<(IReadOnlyList<HclFile> Files, IReadOnlyList<string> Errors)> ParseAsync(IReadOnlyList<string> paths)
    {
        var files = new List<HclFile>();
        var errors = new List<string>();
        var missing = new List<(string Path, string Hash)>();
        foreach (var path in paths)
        {
            var hash = Hash(path);
            if (Cache.TryGetValue(hash, out var cached))
            {
                files.Add(cached with { Path = path });
            }
            else
            {
                missing.Add((path, hash));
            }
        }

        if (missing.Count > 0)
        {
            using var output = JsonDocument.Parse(await RunNodeAsync(missing.Select(m => m.Path)));
            var root = output.RootElement;
            errors.AddRange(root.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!));
            var unformatted = root.GetProperty("unformatted").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
            foreach (var (path, hash) in missing)
            {
                if (!root.GetProperty("files").TryGetProperty(path, out var body))
                {
                    continue;
                }

                var references = root.GetProperty("references").GetProperty(path).EnumerateArray()
                    .Select(r => new HclReference(r.GetProperty("at").GetString()!, r.GetProperty("ref").GetString()!)).ToList();
                var file = new HclFile(path, body.Clone(), references, !unformatted.Contains(path));
                Cache[hash] = file;
                files.Add(file);
            }
        }

        return (files, errors);
    }

    private static string Hash(string path) =>
        Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(GatewayBinary.RepoRoot, path)))) + ":" + Path.GetExtension(path);

    // One node process answers every request of the test run: loading the parser (WebAssembly) takes seconds, a
    // request milliseconds. Requests are one JSON array of paths per line; answers one JSON object per line.
    private static async Task<string> RunNodeAsync(IEnumerable<string> paths)
    {
        await EnsureInstalledAsync();
        await ServerGate.WaitAsync();
        try
        {
            if (server is null || server.HasExited)
            {
                server = StartServer();
            }

            await server.StandardInput.WriteLineAsync(JsonSerializer.Serialize(paths.ToArray()));
            await server.StandardInput.FlushAsync();
            var line = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            return line ?? throw new InvalidOperationException($"node parse-hcl.js --serve ended: {ServerErrors}");
        }
        finally
        {
            ServerGate.Release();
        }
    }

    private static Process StartServer()
    {
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = GatewayBinary.RepoRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(Path.Combine(ToolsFolder, "parse-hcl.js"));
        psi.ArgumentList.Add("--serve");
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start node");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (ServerErrors)
                {
                    ServerErrors.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        };
        return process;
    }

    /// <summary>scripts/test.sh runs <c>npm ci</c> in tests/infra-tools; a developer's first run here does it too.</summary>
    private static async Task EnsureInstalledAsync()
    {
        await NpmOnce.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(ToolsFolder, "node_modules", "@cdktf", "hcl2json"))
                && Directory.Exists(Path.Combine(ToolsFolder, "node_modules", "@cdktf", "hcl-tools")))
            {
                return;
            }

            var psi = new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = ToolsFolder, RedirectStandardOutput = true, RedirectStandardError = true };
            var (code, stdout, stderr) = await RunAsync(psi, TimeSpan.FromMinutes(5));
            if (code != 0)
            {
                throw new InvalidOperationException($"npm ci in {ToolsFolder} failed ({code}):\n{stdout}\n{stderr}");
            }
        }
        finally
        {
            NpmOnce.Release();
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(ProcessStartInfo psi, TimeSpan timeout)
    {
        psi.StandardOutputEncoding = Encoding.UTF8;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {psi.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not finish within {timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
