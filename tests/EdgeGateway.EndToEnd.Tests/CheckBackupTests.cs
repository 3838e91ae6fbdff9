using Backup.Providers.Tests.Emulators;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary><c>EdgeGateway check-backup</c> from the AOT binary against a real disk, Azurite and s3rver: where SDKs break under trimming.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class CheckBackupTests(EmulatorFixture emulators) : IDisposable
{
    private readonly ConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [MemberData(nameof(BackupStores.All), MemberType = typeof(BackupStores))]
    public async Task CheckBackup_WorkingStore_Exit0AfterEveryStep(string provider)
    {
        var (code, stdout, stderr) = await GatewayCommand.RunAsync(BackupStores.Settings(provider, emulators, folder.Path), "check-backup");

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("backup store works", stdout, StringComparison.Ordinal);
        foreach (var step in new[] { "write", "read", "list", "delete" })
        {
            Assert.Contains(step, stdout, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task CheckBackup_NothingConfigured_Exit1NamingTheSetting()
    {
        var (code, _, stderr) = await GatewayCommand.RunAsync("check-backup");

        Assert.Equal(1, code);
        Assert.Contains("Backup:Provider", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckBackup_MissingSetting_Exit1NamingIt()
    {
        var (code, _, stderr) = await GatewayCommand.RunAsync(new Dictionary<string, string> { ["Backup__Provider"] = "s3" }, "check-backup");

        Assert.Equal(1, code);
        Assert.Contains("Backup:S3:Bucket", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckBackup_StoreUnreachable_Exit1WithinTimeout()
    {
        var settings = BackupStores.Settings("blob", emulators, folder.Path);
        settings["Backup__Blob__ConnectionString"] = EmulatorFixture.BlobConnectionString(Ports.Free());

        var (code, stdout, stderr) = await GatewayCommand.RunAsync(settings, "check-backup");

        Assert.Equal(1, code);
        Assert.Contains("FAILED", stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL", stderr, StringComparison.Ordinal);
    }
}
