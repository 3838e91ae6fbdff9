using System.Text.Json.Nodes;
using ManagementPlane.Cli;
using ManagementPlane.Tests.Import.ApiOps;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Cli;

/// <summary><c>ManagementPlane import-apiops</c> against an in-process plane: the report it prints and its exit codes.</summary>
public sealed class ImportApiOpsCommandTests : IAsyncLifetime
{
    private readonly string temp = Directory.CreateTempSubdirectory("apiops-cli-").FullName;
    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync()
    {
        await plane.DisposeAsync();
        Directory.Delete(temp, recursive: true);
    }

    private string ValuesFile()
    {
        var path = Path.Combine(temp, "values.json");
        File.WriteAllText(path, """{ "partner-secret": "s3cret-from-key-vault" }""");
        return path;
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await ImportApiOpsCommand.RunAsync([.. args, "--url", "http://localhost/"], stdout, stderr, plane.Host.Server.CreateHandler(),
            name => name == ImportApiOpsCommand.AdminKeyVariable ? TestPlane.AdminKey : null);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The sample without the artifacts that are reported as changed or ignored: it imports as it is.</summary>
    private string CleanFolder()
    {
        var folder = Path.Combine(temp, "clean");
        foreach (var (path, bytes) in ApiOpsSample.Files())
        {
            if (path.StartsWith("loggers/", StringComparison.Ordinal) || path.StartsWith("apis/inventory/", StringComparison.Ordinal)
                || path.StartsWith("backends/", StringComparison.Ordinal) || path.StartsWith("products/", StringComparison.Ordinal)
                || path.StartsWith("gateways/", StringComparison.Ordinal) || path.StartsWith("namedValues/partner-secret/", StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
            File.WriteAllBytes(Path.Combine(folder, path), bytes);
        }

        return folder;
    }

    [Fact]
    public async Task DryRun_KeyVaultValueMissing_ReportsRefusalExit4()
    {
        var (code, output, _) = await RunAsync(ApiOpsSample.Directory, "--dry-run");

        Assert.Equal(ImportApiOpsCommand.Refused, code);
        Assert.Contains("refused  namedValue partner-secret  (namedValues/partner-secret/namedValueInformation.json)", output, StringComparison.Ordinal);
        Assert.Contains("--named-value partner-secret=VALUE", output, StringComparison.Ordinal);
        Assert.Contains("Dry run: nothing was applied; as it is, the import would be refused.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_WithValues_ChangesListedExit3NothingStored()
    {
        var (code, output, _) = await RunAsync(ApiOpsSample.Directory, "--dry-run", "--named-values", ValuesFile());

        Assert.Equal(ImportApiOpsCommand.Changed, code);
        Assert.Contains("changed  product starter", output, StringComparison.Ordinal);
        Assert.Contains("ignored  loggers *", output, StringComparison.Ordinal);
        Assert.Contains("without --dry-run this would be applied", output, StringComparison.Ordinal);
        Assert.Contains("Plan (+ added, ~ replaced): apis +inventory +orders; products +starter +unlimited; named values +backend-token +partner-secret; "
            + "policy fragments +add-imported-by; gateways +onprem-dc1; global policy ~", output, StringComparison.Ordinal);
        Assert.Empty((await plane.GetJsonAsync("/config"))["apis"]!.AsArray());
    }

    [Fact]
    public async Task DryRun_Json_ThePlanesReport()
    {
        var (code, output, _) = await RunAsync(ApiOpsSample.Directory, "--dry-run", "--json", "--named-value", "partner-secret=x");

        Assert.Equal(ImportApiOpsCommand.Changed, code);
        var report = JsonNode.Parse(output)!;
        Assert.True(report["dryRun"]!.GetValue<bool>());
        Assert.Contains(report["artifacts"]!.AsArray(), a => a!["kind"]!.GetValue<string>() == "gateway" && a["outcome"]!.GetValue<string>() == "imported");
    }

    [Fact]
    public async Task Import_WithValues_AppliedExit3()
    {
        var (code, output, _) = await RunAsync(ApiOpsSample.Directory, "--named-values", ValuesFile());

        Assert.Equal(ImportApiOpsCommand.Changed, code);
        Assert.Contains("Applied as revision", output, StringComparison.Ordinal);
        Assert.Equal(2, (await plane.GetJsonAsync("/config"))["apis"]!.AsArray().Count);
    }

    [Fact]
    public async Task Import_EverythingAsItIs_Exit0()
    {
        var (code, output, error) = await RunAsync(CleanFolder());

        Assert.True(code == 0, output + error);
        Assert.Contains("0 imported with changes, 0 refused, 0 ignored", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--dry-run")]
    [InlineData("/no/such/folder")]
    [InlineData("--bogus")]
    public async Task Usage_Exit2(string argument)
    {
        var (code, _, error) = await RunAsync(argument);

        Assert.Equal(2, code);
        Assert.Contains("usage: ManagementPlane import-apiops DIR", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAdminKey_Exit2()
    {
        var stderr = new StringWriter();

        var code = await ImportApiOpsCommand.RunAsync([ApiOpsSample.Directory], new StringWriter(), stderr, plane.Host.Server.CreateHandler(), _ => null);

        Assert.Equal(2, code);
        Assert.Contains(ImportApiOpsCommand.AdminKeyVariable, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongAdminKey_Exit1WithThePlanesAnswer()
    {
        var stderr = new StringWriter();

        var code = await ImportApiOpsCommand.RunAsync([ApiOpsSample.Directory, "--url", "http://localhost/"], new StringWriter(), stderr, plane.Host.Server.CreateHandler(),
            _ => "not-the-key");

        Assert.Equal(1, code);
        Assert.Contains("answered 401", stderr.ToString(), StringComparison.Ordinal);
    }
}
