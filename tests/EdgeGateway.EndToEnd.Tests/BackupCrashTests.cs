using System.Net;
using System.Text;
using Backup.Providers;
using Backup.Providers.Configuration;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>kill -9 while a large snapshot is being backed up, many times: the next start always finds a valid backup.</summary>
[Collection(RunAlone.Name)]
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
            await first.EventuallyAsync(async () => (await first.StatusAsync()).GetProperty("backup").TryGetProperty("lastRevision", out _), "revision 1 backed up", 60);
        }

        // Odd trials are killed the moment a backup's temporary file appears (mid-write, when the timing allows),
        // even ones at a random point (mid-start, mid-write or after). Whatever happened, what the store lists afterwards
        // is the truth the next start must follow.
        var snapshots = Path.Combine(backups, "gateways", "big", "snapshots");
        var random = new Random(20261126);
        var midWrite = 0;
        for (var revision = 2; revision < 2 + Trials; revision++)
        {
            folder.Write(LargeConfig(revision));
            var before = await BackupRevisionsAsync(store);
            await using var victim = GatewayProcess.Launch(folder.ConfigFile, env: env);
            if (revision % 2 == 1)
            {
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                while (DateTime.UtcNow < deadline && !TempFileExists(snapshots) && (await BackupRevisionsAsync(store)).Max() == before.Max())
                {
                    await Task.Delay(1);
                }
            }
            else
            {
                await Task.Delay(random.Next(0, 400));
            }

            await victim.DisposeAsync(); // SIGKILL
            midWrite += TempFileExists(snapshots) ? 1 : 0;

            // Nothing half-written is ever visible as a backup (a killed writer may leave a temp file, which no list shows).
            await foreach (var info in store.ListAsync("gateways/big/snapshots/"))
            {
                Assert.EndsWith(".json", info.Key, StringComparison.Ordinal);
                Assert.True(info.Size > 1_000_000, $"{info.Key} is {info.Size} bytes");
            }
        }

        // The config file is gone: the gateway must start from the newest backup the store lists, every one of which verifies.
        var newest = (await BackupRevisionsAsync(store)).Max();
        File.Delete(folder.ConfigFile);
        await using var restored = await GatewayProcess.StartAsync(folder.ConfigFile, env: env);
        var status = await restored.StatusAsync();
        var servedRevision = status.GetProperty("revision").GetInt64();
        Assert.True(newest == servedRevision, $"served revision {servedRevision}, but the store's newest backup is {newest} ({midWrite} kills left a temporary file)\n{restored.Output}");
        Assert.StartsWith("backup:", status.GetProperty("configSource").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("skipped", restored.Output, StringComparison.Ordinal);
        Assert.Equal(Apis, status.GetProperty("apis").GetInt32());
        Assert.NotEqual(HttpStatusCode.NotFound, (await restored.Client.GetAsync($"/r{servedRevision}/api-9999/x")).StatusCode);
    }

    private static bool TempFileExists(string folder) =>
        Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.tmp~").Any();

    private static async Task<List<long>> BackupRevisionsAsync(IObjectStore store)
    {
        var revisions = new List<long> { 0 };
        await foreach (var info in store.ListAsync("gateways/big/snapshots/"))
        {
            revisions.Add(long.Parse(info.Key.Split('/')[^1][..19], System.Globalization.CultureInfo.InvariantCulture));
        }

        return revisions;
    }
}
