using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using static EdgeGateway.EndToEnd.Tests.Infra.ContainerAppJson;

namespace EdgeGateway.EndToEnd.Tests.Infra;

/// <summary>
/// infra/bicep (Azure Container Apps) through the real Bicep CLI, offline: it compiles and lints clean, and the deployment it
/// describes is wired as docs/deploy-azure.md promises (least-privilege storage, secrets as secret references, scale to zero,
/// every environment variable a setting the binary reads). Nothing here reaches Azure: a real deployment is not tested.
/// </summary>
public sealed partial class BicepTemplateTests(BicepTemplate template) : IClassFixture<BicepTemplate>
{
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    /// <summary>Settings whose names say "key" but which hold no secret, and why.</summary>
    private static readonly Dictionary<string, string> NotSecret = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Trust__SigningKey"] = "the management plane's public key (GET /signing-key answers it to anyone)",
    };

    [Fact]
    public void Build_MainBicep_NoWarningsOrErrors()
    {
        Assert.True(template.Build.ExitCode == 0, template.Build.Output);
        Assert.True(template.Build.Stdout.Trim().Length == 0 && template.Build.Stderr.Trim().Length == 0, template.Build.Output);
        Assert.NotEmpty(template.Arm["resources"]!.AsArray());
    }

    [Fact]
    public void Lint_MainBicep_NoDiagnostics()
    {
        Assert.True(template.Lint.ExitCode == 0, template.Lint.Output);
        Assert.True(template.Lint.Stdout.Trim().Length == 0 && template.Lint.Stderr.Trim().Length == 0, template.Lint.Output);
    }

    [Fact]
    public void BuildParams_ExampleWithItsEnvironment_BuildsLintsAndSnapshotsClean()
    {
        foreach (var run in new[] { template.BuildParams, template.LintParams, template.SnapshotRun })
        {
            Assert.True(run.ExitCode == 0 && run.Stderr.Trim().Length == 0, run.Output);
        }

        var parameters = template.Parameters["parameters"]!.AsObject();
        Assert.Equal("edgegwtest.azurecr.io/edgegateway/gateway:1.0.0", (string?)parameters["gatewayImage"]!["value"]);
        Assert.Equal(BicepTemplate.Step2Environment["GATEWAY_TOKEN"], (string?)parameters["gatewayToken"]!["value"]);
        Assert.NotEmpty(template.Resources);
    }

    [Fact]
    public async Task BuildParams_SecretsNotExported_FailsNamingTheVariables()
    {
        var folder = Directory.CreateTempSubdirectory("bicepparam-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(BicepTemplate.Source))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            // As a user who forgot the exports: the secrets are not in the file, so the build must stop and say which are missing.
            var run = await ToolRun.RunAsync("/usr/bin/env", ["-u", "PLANE_ADMIN_KEY", "-u", "PLANE_SIGNING_KEY", "-u", "PLANE_ENCRYPTION_KEY",
                BicepCli.Executable, "build-params", "main.bicepparam", "--stdout"], folder, BicepTemplate.Step2Environment);

            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains("\"PLANE_ADMIN_KEY\" does not exist", run.Stderr, StringComparison.Ordinal);
            Assert.Contains("\"PLANE_SIGNING_KEY\" does not exist", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Gateway_EveryEnvironmentVariable_IsASettingEdgeGatewayReads()
    {
        var settings = await BinarySettings.OfAsync(GatewayBinary.Executable);
        var unread = AllEnv(template.App("-gateway")).Select(e => e.Name).Where(n => !settings.Reads(n)).ToList();
        Assert.True(unread.Count == 0, $"not read by EdgeGateway: {string.Join(", ", unread)}");
    }

    [Fact]
    public async Task Plane_EveryEnvironmentVariable_IsASettingManagementPlaneReads()
    {
        var settings = await BinarySettings.OfAsync(ManagementPlaneProcess.Executable);
        var unread = AllEnv(template.App("-plane")).Select(e => e.Name).Where(n => !settings.Reads(n)).ToList();
        Assert.True(unread.Count == 0, $"not read by ManagementPlane: {string.Join(", ", unread)}");
    }

    [Fact]
    public void Gateway_Scale_ZeroReplicasWhenIdleAndAnHttpRule()
    {
        var scale = Scale(template.App("-gateway"));
        Assert.Equal(0, (int?)scale["minReplicas"]);
        Assert.True((int?)scale["maxReplicas"] >= 1);
        Assert.Contains(scale["rules"]?.AsArray() ?? [], r => r!["http"] is JsonObject);
    }

    [Fact]
    public void Plane_Scale_ExactlyOneReplica()
    {
        var scale = Scale(template.App("-plane"));
        Assert.Equal(1, (int?)scale["minReplicas"]);
        Assert.Equal(1, (int?)scale["maxReplicas"]);
    }

    [Fact]
    public void Gateway_DeployedOnlyOnceItsTokenIsGiven_PlaneAlways()
    {
        // Step 1 of the bootstrap deploys without a token (the plane that mints it does not exist yet).
        Assert.Matches(@"^\[not\(empty\(parameters\('gatewayToken'\)\)\)\]$", (string?)template.App("-gateway")["condition"] ?? "");
        Assert.Null(template.App("-plane")["condition"]);
    }

    [Fact]
    public void RoleAssignments_EachIdentityHoldsBlobDataContributorOnItsOwnAppsContainerOnly()
    {
        var containers = template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").ToDictionary(c => (string)c["id"]!);
        var identities = template.OfType("Microsoft.ManagedIdentity/userAssignedIdentities").Select(i => (string)i["id"]!).ToList();
        var assignments = template.OfType("Microsoft.Authorization/roleAssignments").Select(a =>
        {
            var id = (string)a["id"]!;
            var scope = id[..id.IndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.OrdinalIgnoreCase)];
            var principal = IdentityIn((string?)a["properties"]!["principalId"]);
            return (Scope: scope, Principal: principal, Role: (string)a["properties"]!["roleDefinitionId"]!);
        }).ToList();

        Assert.Equal(2, identities.Count);
        foreach (var assignment in assignments)
        {
            Assert.True(containers.ContainsKey(assignment.Scope), $"role assignment scoped to {assignment.Scope}, not to a blob container");
            Assert.EndsWith("/roleDefinitions/" + BlobDataContributor, assignment.Role, StringComparison.Ordinal);
        }

        foreach (var identity in identities)
        {
            Assert.True(assignments.Count(a => a.Principal == identity) == 1, $"{identity} should hold exactly one role assignment");
        }

        foreach (var (app, containerSetting) in new[] { ("-gateway", "Backup__Blob__"), ("-plane", "Management__Store__Blob__") })
        {
            var json = template.App(app);
            var identity = Assert.Single(Identities(json), identities.Contains);
            Assert.Contains(identity, EnvValue(json, containerSetting + "ManagedIdentityClientId"), StringComparison.Ordinal);
            var container = EnvValue(json, containerSetting + "Container");
            var scope = Assert.Single(assignments, a => a.Principal == identity).Scope;
            Assert.EndsWith("/containers/" + container, scope, StringComparison.Ordinal);
            var account = scope.Split("/blobServices/")[0].Split('/')[^1];
            Assert.Contains($"'{account}'", EnvValue(json, containerSetting + "ServiceUri"), StringComparison.Ordinal);
        }

        var gatewayIdentity = Identities(template.App("-gateway")).Single(identities.Contains);
        var planeContainer = EnvValue(template.App("-plane"), "Management__Store__Blob__Container");
        Assert.DoesNotContain(assignments, a => a.Principal == gatewayIdentity && a.Scope.EndsWith("/containers/" + planeContainer, StringComparison.Ordinal));
    }

    [Fact]
    public void Secrets_EverySecretNamedSetting_ComesFromASecretReference()
    {
        foreach (var app in template.OfType("Microsoft.App/containerApps"))
        {
            var secrets = Secrets(app);
            foreach (var env in AllEnv(app))
            {
                if (env.SecretRef is not null)
                {
                    Assert.True(secrets.ContainsKey(env.SecretRef), $"{app["name"]}: {env.Name} refers to a secret '{env.SecretRef}' the app does not define");
                }

                if (IsSecretName(env.Name) && !NotSecret.ContainsKey(env.Name))
                {
                    Assert.True(env.Value is null && env.SecretRef is not null, $"{app["name"]}: {env.Name} holds a secret, so it must be a secretRef without a value");
                }
            }

            foreach (var (name, value) in secrets)
            {
                // A parameter's value (a secure one, checked below) or a value of another resource; never a literal in the template.
                Assert.True(value is not null && value.StartsWith('[') && value.EndsWith(']'), $"{app["name"]}: secret '{name}' is the literal '{value}'");
            }
        }
    }

    [Fact]
    public void Secrets_SecureParameters_ReachTheAppsOnlyAsTheirSecrets()
    {
        var secure = template.SecureParameters;
        Assert.Superset(new HashSet<string> { "planeAdminKey", "planeSigningKey", "planeEncryptionKey", "gatewayToken", "gatewayBackupEncryptionKey" }, secure.ToHashSet());
        foreach (var app in template.OfType("Microsoft.App/containerApps"))
        {
            var fromSecrets = Secrets(app).Values.Select(v => ParameterIn(v)).OfType<string>().ToHashSet();
            var elsewhere = (JsonObject)app.DeepClone();
            elsewhere["properties"]!["configuration"]!.AsObject().Remove("secrets");
            elsewhere.Remove("condition"); // whether the gateway is deployed at all (a token was given): no value reaches the app
            var leaked = secure.Where(p => Strings(elsewhere).Any(v => v.Contains($"parameters('{p}')", StringComparison.Ordinal))).ToList();
            Assert.True(leaked.Count == 0, $"{app["name"]}: secure parameters used outside its secrets: {string.Join(", ", leaked)}");
            foreach (var (name, value) in Secrets(app))
            {
                if (ParameterIn(value) is { } parameter)
                {
                    Assert.True(secure.Contains(parameter), $"{app["name"]}: secret '{name}' comes from parameter {parameter}, which is not @secure()");
                }
            }

            Assert.NotEmpty(fromSecrets);
        }

        foreach (var (name, value) in BicepTemplate.Step2Environment.Where(e => e.Key.Contains("KEY", StringComparison.Ordinal) || e.Key.Contains("TOKEN", StringComparison.Ordinal)))
        {
            if (name != "TRUST_SIGNING_KEY")
            {
                Assert.DoesNotContain(Strings(template.Resources), v => v.Contains(value, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void Gateway_TokenFile_IsTheTokenSecretMountedAsAFile()
    {
        var gateway = template.App("-gateway");
        Assert.DoesNotContain(AllEnv(gateway), e => e.Name == "ManagementPlane__Token");
        var tokenSecret = Assert.Single(Secrets(gateway), s => s.Value == "[parameters('gatewayToken')]").Key;
        var volume = Assert.Single(gateway["properties"]!["template"]!["volumes"]!.AsArray(), v => (string?)v!["storageType"] == "Secret")!;
        var file = Assert.Single(volume["secrets"]!.AsArray(), s => (string?)s!["secretRef"] == tokenSecret)!;
        var container = Assert.Single(Containers(gateway));
        var mount = Assert.Single(container["volumeMounts"]!.AsArray(), m => (string?)m!["volumeName"] == (string?)volume["name"])!;
        Assert.Equal($"{(string?)mount["mountPath"]}/{(string?)file["path"]}", EnvValue(gateway, "ManagementPlane__TokenFile"));
    }

    [Fact]
    public void Gateway_SyncsFromThePlanesUrl_BacksUpToBlob()
    {
        var gateway = template.App("-gateway");
        var plane = (string)template.App("-plane")["id"]!;
        var url = EnvValue(gateway, "ManagementPlane__Url");
        Assert.StartsWith($"[format('https://{{0}}', reference('{plane}', '", url, StringComparison.Ordinal);
        Assert.EndsWith("').configuration.ingress.fqdn)]", url, StringComparison.Ordinal);
        Assert.Equal("blob", EnvValue(gateway, "Backup__Provider"));
        Assert.Equal("blob", EnvValue(template.App("-plane"), "Management__Store__Provider"));
        Assert.Equal(BicepTemplate.Step2Environment["TRUST_SIGNING_KEY"], EnvValue(gateway, "Trust__SigningKey"));
    }

    [Fact]
    public void Storage_SharedKeyAccessAndPublicAccessOff()
    {
        var account = Assert.Single(template.OfType("Microsoft.Storage/storageAccounts"))["properties"]!;
        Assert.False((bool?)account["allowSharedKeyAccess"] ?? true, "shared-key access must be disabled (managed identity only)");
        Assert.False((bool?)account["allowBlobPublicAccess"] ?? true, "public blob access must be off");
        Assert.Equal("TLS1_2", (string?)account["minimumTlsVersion"]);
        Assert.True((bool?)account["supportsHttpsTrafficOnly"] ?? true);
        foreach (var container in template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"))
        {
            Assert.Equal("None", (string?)container["properties"]?["publicAccess"] ?? "None");
        }
    }

    [Fact]
    public void Probes_EveryContainer_LiveAndReadyOnPort8080()
    {
        foreach (var app in template.OfType("Microsoft.App/containerApps"))
        {
            Assert.Equal(8080, (int?)app["properties"]!["configuration"]!["ingress"]!["targetPort"]);
            foreach (var container in Containers(app))
            {
                var probes = container["probes"]!.AsArray().ToDictionary(p => (string)p!["type"]!, p => p!["httpGet"]!);
                Assert.Equal("/healthz/live", (string?)probes["Liveness"]["path"]);
                Assert.Equal("/healthz/ready", (string?)probes["Readiness"]["path"]);
                Assert.Equal("/healthz/live", (string?)probes["Startup"]["path"]);
                Assert.All(probes.Values, p => Assert.Equal(8080, (int?)p["port"]));
                // Container Apps refuses a deployment outside these (the Bicep types do not check them).
                Assert.All(container["probes"]!.AsArray(), p => Assert.InRange((int?)p!["failureThreshold"] ?? 3, 1, 10));
                Assert.All(container["probes"]!.AsArray(), p => Assert.InRange((int?)p!["periodSeconds"] ?? 10, 1, 240));
            }
        }

        Assert.True((bool?)template.App("-gateway")["properties"]!["configuration"]!["ingress"]!["external"]);
    }

    [Fact]
    public void Template_ParametersDescribed_OutputsUrlsIdentitiesAndStorage()
    {
        var undescribed = template.Arm["parameters"]!.AsObject().Where(p => p.Value!["metadata"]?["description"] is null).Select(p => p.Key).ToList();
        Assert.True(undescribed.Count == 0, $"parameters without @description: {string.Join(", ", undescribed)}");
        var outputs = template.Arm["outputs"]!.AsObject().Select(o => o.Key).ToHashSet();
        Assert.Superset(new HashSet<string> { "planeUrl", "gatewayUrl", "gatewayIdentityClientId", "gatewayIdentityPrincipalId",
            "planeIdentityClientId", "planeIdentityPrincipalId", "storageAccountName" }, outputs);
    }

    /// <summary>A setting holding a secret, by its name: keys, tokens, passwords, connection strings (a list index ignored).</summary>
    private static bool IsSecretName(string name)
    {
        var last = name.Split("__").Last(s => !s.All(char.IsAsciiDigit));
        return SecretName().IsMatch(last);
    }

    /// <summary>Every string value under NODE (not its JSON text, which escapes quotes and ampersands).</summary>
    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var text) => [text],
        _ => [],
    };

    private static string? IdentityIn(string? expression) =>
        expression is not null && IdentityReference().Match(expression) is { Success: true } m ? m.Groups[1].Value : null;

    private static string? ParameterIn(string? expression) =>
        expression is not null && ParameterReference().Match(expression) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex("(key|keys|token|password|secret|connection_?string)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^\[reference\('([^']+/Microsoft\.ManagedIdentity/userAssignedIdentities/[^']+)'")]
    private static partial Regex IdentityReference();

    [GeneratedRegex(@"^\[parameters\('([^']+)'\)\]$")]
    private static partial Regex ParameterReference();
}
