using System.Globalization;
using System.Text.Json.Nodes;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using static EdgeGateway.EndToEnd.Tests.Infra.ContainerAppJson;

namespace EdgeGateway.EndToEnd.Tests.Infra;

/// <summary>
/// infra/bicep's start of a replica as Container Apps would run it: the startup probe waits long enough for a gateway
/// that is still reading its backup (it listens only after that), and no probe that can restart the replica counts the
/// time a gateway with no config spends waiting for the management plane (it exits by itself after
/// ManagementPlane:StartupTimeout). Also: the resource-name prefix a user types in upper case still gives valid names.
/// </summary>
public sealed class BicepStartupTests(BicepTemplate template) : IClassFixture<BicepTemplate>
{
    /// <summary>Process start, the managed-identity token and a slow first connection, on top of the read itself.</summary>
    private static readonly TimeSpan StartMargin = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StartupProbe_Gateway_OutlastsBackupReadTimeoutAndLivenessIgnoresThePlaneWait()
    {
        var readTimeout = await DefaultOfAsync(GatewayBinary.Executable, "Backup:ReadTimeout");
        var container = Containers(template.App("-gateway")).Single();
        var probes = container["probes"]!.AsArray().Select(p => p!.AsObject()).ToDictionary(p => (string)p["type"]!);

        // Kubernetes semantics (Container Apps runs on them): the first probe at initialDelaySeconds, a restart at the
        // failureThreshold-th consecutive failure, so the last failing probe is (failureThreshold - 1) periods later.
        // Defaults when a field is absent: initialDelaySeconds 0 (Container Apps' own default is 1), periodSeconds 10, failureThreshold 3.
        var startup = probes["Startup"];
        var budget = TimeSpan.FromSeconds(((int?)startup["initialDelaySeconds"] ?? 0)
            + ((int?)startup["periodSeconds"] ?? 10) * (((int?)startup["failureThreshold"] ?? 3) - 1));
        Assert.True(budget >= readTimeout + StartMargin,
            $"the startup probe restarts a replica after about {budget.TotalSeconds} s, but the gateway may read its backup for "
            + $"Backup:ReadTimeout ({readTimeout}) before it listens, plus {StartMargin.TotalSeconds} s to start");

        // A gateway waiting for the plane listens and answers /healthz/live 200, /healthz/ready 503: neither the startup
        // nor the liveness probe may be on /healthz/ready, or they would restart it before ManagementPlane:StartupTimeout.
        Assert.Equal("/healthz/live", (string?)startup["httpGet"]!["path"]);
        Assert.Equal("/healthz/live", (string?)probes["Liveness"]["httpGet"]!["path"]);
        Assert.Equal("/healthz/ready", (string?)probes["Readiness"]["httpGet"]!["path"]);
    }

    [Fact]
    public async Task NamePrefix_UpperCase_ResourceNamesLowered()
    {
        var folder = Directory.CreateTempSubdirectory("bicep-prefix-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(BicepTemplate.Source))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            var param = Path.Combine(folder, "main.bicepparam");
            File.WriteAllText(param, File.ReadAllText(param).Replace("param namePrefix = 'edgegw'", "param namePrefix = 'EdgeGW'", StringComparison.Ordinal));
            Assert.Contains("'EdgeGW'", File.ReadAllText(param), StringComparison.Ordinal);

            var run = await BicepCli.RunAsync(folder, BicepTemplate.Step2Environment, "snapshot", "main.bicepparam", "--mode", "overwrite",
                "--subscription-id", BicepTemplate.Subscription, "--resource-group", BicepTemplate.ResourceGroup, "--location", "westeurope");
            Assert.True(run.ExitCode == 0, run.Output);

            var resources = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "main.snapshot.json")))!["predictedResources"]!.AsArray()
                .Select(r => r!.AsObject()).ToList();
            var types = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "Microsoft.App/containerApps", "Microsoft.App/managedEnvironments", "Microsoft.ManagedIdentity/userAssignedIdentities",
            };
            var named = resources.Where(r => types.Contains((string?)r["type"] ?? "")).Select(r => (string)r["name"]!).ToList();
            Assert.Equal(5, named.Count);
            Assert.All(named, name => Assert.Matches("^edgegw(-[a-z0-9]+)+$", name));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The DEFAULT column of KEY in the binary's own <c>settings</c> table, as a time span.</summary>
    private static async Task<TimeSpan> DefaultOfAsync(string binary, string key)
    {
        var run = await ToolRun.RunAsync(binary, ["settings"]);
        Assert.True(run.ExitCode == 0, run.Output);
        var row = run.Stdout.Split('\n').Select(l => l.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries))
            .SingleOrDefault(cells => cells.Length >= 2 && cells[0] == key);
        Assert.True(row is not null, $"{binary} settings lists no {key}:\n{run.Stdout}");
        return TimeSpan.Parse(row[1], CultureInfo.InvariantCulture);
    }
}
