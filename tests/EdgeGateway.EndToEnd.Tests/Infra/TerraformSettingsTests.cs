using EdgeGateway.EndToEnd.Tests.Infra.Terraform;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests.Infra;

/// <summary>
/// Every environment variable and secret the Terraform module gives a container is a setting that container's binary
/// reads, checked against the binary's own list (<c>EdgeGateway settings --names</c>, <c>ManagementPlane settings --names</c>),
/// so a misspelt or renamed setting cannot be deployed silently ignored.
/// </summary>
public sealed class TerraformSettingsTests
{
    private static readonly Lazy<Task<SettingNames>> Gateway = new(() => SettingNames.OfAsync(GatewayBinary.Executable));
    private static readonly Lazy<Task<SettingNames>> Plane = new(() => SettingNames.OfAsync(ManagementPlaneProcess.Executable));

    [Fact]
    public async Task ContainerEnvironmentAndSecrets_AreSettingsTheirBinaryReads()
    {
        var tree = await TerraformTree.LoadRepositoryAsync();
        var settings = await SettingsAsync();

        Assert.Empty(ContainerChecks.NamesAreSettings(tree.Module, settings));
        var (containers, _) = ContainerDefinition.All(tree.Module);
        Assert.Contains(containers.Single(c => c.Name == "gateway").Environment, e => e.Name == "Backup__S3__Prefix");
        Assert.Contains(containers.Single(c => c.Name == "management").Secrets, s => s.Name == "Management__SigningKey");
    }

    [Theory]
    [InlineData("{ name = \"Gateway__ShutdownTimeout\", value = \"00:00:25\" }", "{ name = \"Gateway__ShutdownTimout\", value = \"00:00:25\" }", "Gateway__ShutdownTimout is not a setting EdgeGateway reads")]
    [InlineData("{ name = \"Management__Store__S3__Prefix\", value = var.management_state_prefix }", "{ name = \"Backup__S3__Prefix\", value = var.management_state_prefix }", "Backup__S3__Prefix is not a setting ManagementPlane reads")]
    [InlineData("{ name = \"Management__AdminKeys__0\", valueFrom", "{ name = \"Management__AdminKey\", valueFrom", "Management__AdminKey is not a setting ManagementPlane reads")]
    public async Task MisnamedSetting_IsReported(string from, string to, string expected)
    {
        var settings = await SettingsAsync();
        var copy = TerraformCopy.Create();
        try
        {
            TerraformCopy.Replace(copy, "modules/edgegateway/main.tf", from, to);
            var tree = await TerraformTree.LoadAsync(copy);

            var problems = ContainerChecks.NamesAreSettings(tree.Module, settings).ToList();
            Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)), string.Join('\n', problems));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static async Task<Func<string, SettingNames>> SettingsAsync()
    {
        var gateway = await Gateway.Value;
        var plane = await Plane.Value;
        return binary => binary == "EdgeGateway" ? gateway : plane;
    }
}
