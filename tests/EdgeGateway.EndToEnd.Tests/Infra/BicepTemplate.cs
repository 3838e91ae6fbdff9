using System.Text.Json.Nodes;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests.Infra;

/// <summary>
/// infra/bicep run through the real Bicep CLI once per test class, in a copy (the CLI writes its outputs beside its input):
/// <c>bicep build</c> (the compiled ARM JSON), <c>bicep lint</c>, <c>bicep build-params</c> and <c>bicep snapshot</c> of
/// main.bicepparam (the ARM template evaluated with the example's parameters: names, ids, variables and conditions
/// resolved, secure parameters left as <c>[parameters('...')]</c>), with the environment variables the example reads.
/// </summary>
public sealed class BicepTemplate : IAsyncLifetime
{
    public const string Subscription = "11111111-2222-3333-4444-555555555555";
    public const string ResourceGroup = "rg-edge";

    /// <summary>What docs/deploy-azure.md exports before step 2 (values made up; the shapes are the real ones).</summary>
    public static readonly IReadOnlyDictionary<string, string> Step2Environment = new Dictionary<string, string>
    {
        ["ACR"] = "edgegwtest",
        ["PULL_IDENTITY_ID"] = $"/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/edgegw-pull",
        ["PLANE_ADMIN_KEY"] = "test-admin-key-0123456789",
        ["PLANE_SIGNING_KEY"] = "-----BEGIN PRIVATE KEY-----\nTEST\n-----END PRIVATE KEY-----\n",
        ["PLANE_ENCRYPTION_KEY"] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        ["GATEWAY_TOKEN"] = "GatewayKey gw1&202701010000&dGVzdA==",
        ["TRUST_SIGNING_KEY"] = "-----BEGIN PUBLIC KEY-----\nTEST\n-----END PUBLIC KEY-----\n",
        ["GATEWAY_BACKUP_ENCRYPTION_KEY"] = "HyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4=",
    };

    private readonly string folder = Path.Combine(Path.GetTempPath(), "bicep-" + Guid.NewGuid().ToString("N"));

    public ToolRun Build { get; private set; } = null!;
    public ToolRun Lint { get; private set; } = null!;
    public ToolRun BuildParams { get; private set; } = null!;
    public ToolRun LintParams { get; private set; } = null!;
    public ToolRun SnapshotRun { get; private set; } = null!;

    /// <summary>The compiled ARM template (main.json).</summary>
    public JsonObject Arm { get; private set; } = null!;

    /// <summary>The built parameters file of main.bicepparam.</summary>
    public JsonObject Parameters { get; private set; } = null!;

    /// <summary>The predicted resources of a deployment with main.bicepparam and <see cref="Step2Environment"/>.</summary>
    public JsonArray Resources { get; private set; } = null!;

    public static string Source => Path.Combine(GatewayBinary.RepoRoot, "infra", "bicep");

    public async Task InitializeAsync()
    {
        CopyDirectory(Source, folder);
        Build = await BicepCli.RunAsync(folder, null, "build", "main.bicep", "--outfile", "main.json");
        Lint = await BicepCli.RunAsync(folder, null, "lint", "main.bicep");
        BuildParams = await BicepCli.RunAsync(folder, Step2Environment, "build-params", "main.bicepparam", "--outfile", "main.parameters.json");
        LintParams = await BicepCli.RunAsync(folder, Step2Environment, "lint", "main.bicepparam");
        SnapshotRun = await BicepCli.RunAsync(folder, Step2Environment, "snapshot", "main.bicepparam", "--mode", "overwrite",
            "--subscription-id", Subscription, "--resource-group", ResourceGroup, "--location", "westeurope");
        Arm = ReadIfThere("main.json");
        Parameters = ReadIfThere("main.parameters.json");
        Resources = ReadIfThere("main.snapshot.json")["predictedResources"]?.AsArray() ?? [];
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Select(r => r!.AsObject()).Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The container app whose name ends with SUFFIX (<c>-gateway</c>, <c>-plane</c>).</summary>
    public JsonObject App(string suffix) =>
        OfType("Microsoft.App/containerApps").SingleOrDefault(a => ((string)a["name"]!).EndsWith(suffix, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no container app named *{suffix} in the template");

    /// <summary>Names of the compiled template's @secure() parameters.</summary>
    public IReadOnlySet<string> SecureParameters => Arm["parameters"]!.AsObject()
        .Where(p => (string?)p.Value!["type"] is "securestring" or "secureObject")
        .Select(p => p.Key).ToHashSet();

    private JsonObject ReadIfThere(string name)
    {
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : [];
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
