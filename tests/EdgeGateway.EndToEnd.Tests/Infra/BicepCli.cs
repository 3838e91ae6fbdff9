using System.Reflection;

namespace EdgeGateway.EndToEnd.Tests.Infra;

/// <summary>
/// The real Bicep CLI from NuGet (Azure.Bicep.CommandLine.linux-x64, a PackageDownload of this test project): its path
/// in the package folder is written into the test assembly at build time, from MSBuild's NuGetPackageRoot.
/// </summary>
public static class BicepCli
{
    public static string Executable { get; } = Locate();

    public static Task<ToolRun> RunAsync(string directory, IReadOnlyDictionary<string, string>? env, params string[] args) =>
        ToolRun.RunAsync(Executable, args, directory, env);

    private static string Locate()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepCli")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"the Bicep CLI is not at '{path}': restore tests/EdgeGateway.EndToEnd.Tests (its PackageDownload of Azure.Bicep.CommandLine.linux-x64)");
        }

        return path;
    }
}
