using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ManagementPlane.Tests.Infrastructure;

/// <summary>The npm package <c>@readme/oas-examples</c> under <c>tests/ManagementPlane.Tests/oas</c> (npm ci on first use).</summary>
internal static class OasExamples
{
    private static readonly Lazy<string> Root = new(Locate);

    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static string PathOf(string relative) => Path.Combine(Root.Value, relative);

    /// <summary>Method + path of every operation in the JSON twin of a document (the YAML files have one).</summary>
    public static SortedSet<string> Operations(string relative)
    {
        var json = relative.Replace("/yaml/", "/json/", StringComparison.Ordinal).Replace(".yaml", ".json", StringComparison.Ordinal);
        var document = JsonNode.Parse(File.ReadAllText(PathOf(json)))!;
        var operations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, _) in item!.AsObject())
            {
                if (Methods.Contains(method))
                {
                    operations.Add($"{method.ToUpperInvariant()} {path}");
                }
            }
        }

        return operations;
    }

    private static string Locate()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeGateway.slnx")))
        {
            dir = dir.Parent;
        }

        var oas = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "tests", "ManagementPlane.Tests", "oas");
        var package = Path.Combine(oas, "node_modules", "@readme", "oas-examples");
        if (!Directory.Exists(package))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = oas, RedirectStandardOutput = true, RedirectStandardError = true })!;
            npm.WaitForExit(TimeSpan.FromMinutes(3));
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {oas} failed: {npm.StandardError.ReadToEnd()}");
            }
        }

        return package;
    }
}
