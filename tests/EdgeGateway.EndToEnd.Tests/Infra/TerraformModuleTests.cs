using EdgeGateway.EndToEnd.Tests.Infra.Terraform;

namespace EdgeGateway.EndToEnd.Tests.Infra;

/// <summary>
/// infra/terraform, parsed with HashiCorp's HCL parser (terraform validate needs provider downloads, which CI cannot
/// make): it parses, everything it references exists, and the module wires what a user relies on: secrets as secrets,
/// least-privilege S3 access on each plane's prefix, a protected bucket, /healthz/ready health checks, scale to zero.
/// </summary>
public sealed class TerraformModuleTests
{
    [Fact]
    public async Task EveryTerraformFile_Parses()
    {
        var tree = await TerraformTree.LoadRepositoryAsync();

        Assert.True(tree.SyntaxErrors.Count == 0, string.Join('\n', tree.SyntaxErrors));
        Assert.True(tree.FileCount >= 10, $"only {tree.FileCount} files under {tree.Root}");
        Assert.Contains(tree.Folders, f => f.Name == "modules/edgegateway");
        Assert.Contains(tree.Folders, f => f.Name == "examples/fargate");
    }

    [Fact]
    public async Task EveryTerraformFile_IsFormattedAsTerraformFmtFormatsIt()
    {
        var tree = await TerraformTree.LoadRepositoryAsync();

        Assert.True(tree.Unformatted.Count == 0, "terraform fmt would change: " + string.Join(", ", tree.Unformatted));
    }

    [Fact]
    public async Task Misaligned_IsReportedAsUnformatted()
    {
        var copy = TerraformCopy.Create();
        try
        {
            TerraformCopy.Replace(copy, "modules/edgegateway/ecs.tf", "  name = var.name\n", "  name  = var.name\n");

            var tree = await TerraformTree.LoadAsync(copy);

            Assert.Equal([Path.Combine(copy, "modules", "edgegateway", "ecs.tf")], tree.Unformatted);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task SyntaxError_IsReportedWithFileAndLine()
    {
        var copy = TerraformCopy.Create();
        try
        {
            var file = Path.Combine(copy, "modules", "edgegateway", "outputs.tf");
            File.WriteAllText(file, "output \"ok\" {\n  value = 1\n}\n\noutput \"broken\" {\n  value = \n}\n");

            var tree = await TerraformTree.LoadAsync(copy);

            var error = Assert.Single(tree.SyntaxErrors);
            Assert.Contains(file + ":6", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task EveryVariableUsed_IsDeclaredInItsFolder() =>
        Assert.Empty(ReferenceChecks.UndeclaredVariables(await TerraformTree.LoadRepositoryAsync()));

    [Fact]
    public async Task EveryOutput_RefersToSomethingThatExists() =>
        Assert.Empty(ReferenceChecks.UnresolvedOutputs(await TerraformTree.LoadRepositoryAsync()));

    [Fact]
    public async Task EveryReference_RefersToSomethingThatExists() =>
        Assert.Empty(ReferenceChecks.UnresolvedReferences(await TerraformTree.LoadRepositoryAsync()));

    [Fact]
    public async Task ExampleRoot_GivesTheModuleItsVariables_AndEveryRequiredOne()
    {
        var tree = await TerraformTree.LoadRepositoryAsync();

        Assert.Empty(ReferenceChecks.ModuleArguments(tree));
        Assert.Contains("edgegateway", tree.Example.Modules.Keys);
        Assert.Contains("terraform.tfvars.example", tree.Example.TfvarsExamples.Keys);
    }

    [Theory]
    [InlineData("gateway", "Backup__S3__", ListScope.Prefix)]
    [InlineData("management", "Management__Store__S3__", ListScope.OwnBucket)]
    public async Task TaskRole_AllowsOnlyTheFourS3Actions_OnItsOwnPrefix(string container, string settingsPrefix, ListScope listing) =>
        Assert.Empty(IamChecks.TaskRoleScopedToPrefix((await TerraformTree.LoadRepositoryAsync()).Module, container, settingsPrefix, listing));

    [Fact]
    public async Task GatewayBackups_AndPlaneState_AreInSeparateBuckets() =>
        Assert.Empty(IamChecks.SeparateBuckets((await TerraformTree.LoadRepositoryAsync()).Module));

    [Fact]
    public async Task ExecutionRoles_ReadExactlyTheSecretsTheirContainerInjects() =>
        Assert.Empty(IamChecks.ExecutionRoleReadsExactlyItsSecrets((await TerraformTree.LoadRepositoryAsync()).Module));

    [Fact]
    public async Task Secrets_AreInjectedAsSecrets_NeverAsEnvironment()
    {
        var module = (await TerraformTree.LoadRepositoryAsync()).Module;

        Assert.Empty(ContainerChecks.SecretsInjectedAsSecrets(module));
        var (containers, _) = ContainerDefinition.All(module);
        Assert.Equal(["gateway", "management"], containers.Select(c => c.Name).Order());
    }

    [Fact]
    public async Task Containers_HealthCheckWithTheirBinarysSubcommand() =>
        Assert.Empty(ContainerChecks.HealthCheckIsTheBinarys((await TerraformTree.LoadRepositoryAsync()).Module));

    [Fact]
    public async Task Bucket_IsVersionedEncryptedAndPrivate() =>
        Assert.Empty(ResourceChecks.BucketProtected((await TerraformTree.LoadRepositoryAsync()).Module));

    [Fact]
    public async Task LoadBalancer_HealthChecksReady() =>
        Assert.Empty(ResourceChecks.HealthChecksUseReady((await TerraformTree.LoadRepositoryAsync()).Module));

    [Fact]
    public async Task Gateway_ScalesToZero() =>
        Assert.Empty(ResourceChecks.GatewayScalesToZero((await TerraformTree.LoadRepositoryAsync()).Module));

    [Theory]
    [InlineData("Management__AdminKeys__0", true)]
    [InlineData("management__store__s3__bucket", true)]
    [InlineData("ASPNETCORE_URLS", true)]
    [InlineData("AWS_REGION", true)]
    [InlineData("Management__AdminKeys", false)]
    [InlineData("Backup__S3__Buckets", false)]
    [InlineData("Backup__S3", false)]
    public void SettingNames_MapEnvironmentVariablesAsTheBriefSays(string variable, bool reads)
    {
        var names = new SettingNames(["Management:AdminKeys:*", "Management:Store:S3:Bucket", "urls", "AWS_REGION", "Backup:S3:Bucket"]);

        Assert.Equal(reads, names.Reads(variable));
    }

    [Theory]
    [InlineData("ManagementPlane__Token", true)]
    [InlineData("Management__AdminKeys__0", true)]
    [InlineData("Management__SigningKey", true)]
    [InlineData("Backup__EncryptionKey", true)]
    [InlineData("Backup__S3__SecretAccessKey", true)]
    [InlineData("Trust__SigningKey", false)]
    [InlineData("ManagementPlane__TokenFile", false)]
    [InlineData("Backup__S3__Bucket", false)]
    public void SecretNames_AreRecognised(string variable, bool secret) =>
        Assert.Equal(secret, ContainerChecks.IsSecretName(variable));
}
