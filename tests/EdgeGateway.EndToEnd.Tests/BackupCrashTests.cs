using System.Net;
using System.Text;
using Backup.Providers.Configuration;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>kill -9 while a large snapshot is being backed up, many times: the next start always finds a valid backup.</summary>
public sealed class BackupCrashTests : IDisposable
{
    private const int Apis = 10_000;
    private const int Trials = 12;
    private readonly ConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static string LargeConfig(long revision)
    {
        var json = new StringBuilder($$"""{ "schemaVersion": 1, "revision": {{revision}}, "gatewayId": "big", "apis": [""");
        for (var i = 0; i < Apis; i++)
        {
            json.Append(i == 0 ? "" : ",").Append($$"""{ "id": "api-{{i}}", "path": "/r{{revision}}/api-{{i}}", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:9/svc/{{i}}"] } }""");
        }

        return json.Append("] }").ToString();
    }

    [Fact]
    public async Task Kill9DuringBackupOf10000Apis_ManyTrials_NextStartAlwaysFindsValidBackup()
    {
        var backups = folder.File_("backups");
        var env = new Dictionary<string, string>
        {
            ["Gateway__Id"] = "big",
            ["Backup__Provider"] = "disk",
            ["Backup__Disk__Path"] = backups,
            ["Backup__EncryptionKey"] = "kill-nine-test-passphrase",
        };

        var store = ObjectStoreFactory.Create(new ConfigurationBuilder().AddInMemoryCollection(
            [new("Backup:Provider", "disk"), new("Backup:Disk:Path", backups)]).Build().GetSection("Backup"), "Backup", "none", TimeProvider.System)!;

        // Revision 1 is backed up completely first: the floor every later start may fall back to.
        folder.Write(LargeConfig(1));
        await using (var first = await GatewayProcess.StartAsync(folder.ConfigFile, env: env))
        {
            await first.EventuallyAsync(async () =>
                (await first.StatusAsync()).GetProperty("backup").TryGetProperty("lastRevision", out _),
                "revision 1 backed up", 60);
        }

        var random = new Random(20261126);
        for (var revision = 2; revision < 2 + Trials; revision++)
        {
            folder.Write(LargeConfig(revision));
            await using var victim = GatewayProcess.Launch(folder.ConfigFile, env: env);
            await Task.Delay(random.Next(0, 400));
            await victim.DisposeAsync(); // SIGKILL, mid-start or mid-backup

            // Nothing half-written is ever visible as a backup (a killed writer may leave a temp file, which no list shows).
            await foreach (var info in store.ListAsync("gateways/big/snapshots/"))
            {
                Assert.EndsWith(".json", info.Key, StringComparison.Ordinal);
                Assert.True(info.Size > 1_000_000, $"{info.Key} is {info.Size} bytes");
            }
        }

        // The config file is gone: the gateway must start from the newest backup that verifies.
        File.Delete(folder.ConfigFile);
        await using var restored = await GatewayProcess.StartAsync(folder.ConfigFile, env: env);
        var status = await restored.StatusAsync();
        var servedRevision = status.GetProperty("revision").GetInt64();
        Assert.InRange(servedRevision, 1, 1 + Trials);
        Assert.StartsWith("backup:", status.GetProperty("configSource").GetString(), StringComparison.Ordinal);
        Assert.Equal(Apis, status.GetProperty("apis").GetInt32());
        Assert.NotEqual(HttpStatusCode.NotFound, (await restored.Client.GetAsync($"/r{servedRevision}/api-9999/x")).StatusCode);
    }
}
