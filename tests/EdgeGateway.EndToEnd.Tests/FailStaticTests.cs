using System.Net;
using System.Text;
using Backup.Providers;
using Backup.Providers.Configuration;
using Backup.Providers.Tests.Emulators;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// The seed's fail-static matrix with real stores (disk, Azurite, s3rver) and both planes as AOT processes:
/// backups are written on apply, and a gateway starting while the management plane is down serves from them.
/// </summary>
[Collection(RunAlone.Name)]
public sealed class FailStaticTests(EmulatorFixture emulators) : PlaneFixture
{
    private async Task<Dictionary<string, string>> HybridWithBackupAsync(string provider, string gatewayId = "gw1")
    {
        var env = await Plane.GatewayEnvironmentAsync(gatewayId);
        foreach (var (key, value) in BackupStores.Settings(provider, emulators, Folder.Path))
        {
            env[key] = value;
        }

        env["ManagementPlane__StartupTimeout"] = "00:00:05";
        return env;
    }

    private static IObjectStore Store(Dictionary<string, string> env)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            env.Where(kv => kv.Key.StartsWith("Backup__", StringComparison.Ordinal))
               .Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value))).Build();
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", EmulatorFixture.S3AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", EmulatorFixture.S3AccessKey);
        return ObjectStoreFactory.Create(configuration.GetSection("Backup"), "Backup", "none", TimeProvider.System)!;
    }

    private static async Task<List<string>> BackupKeysAsync(IObjectStore store)
    {
        var keys = new List<string>();
        await foreach (var info in store.ListAsync("gateways/gw1/snapshots/"))
        {
            keys.Add(info.Key);
        }

        return [.. keys.Order(StringComparer.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(BackupStores.All), MemberType = typeof(BackupStores))]
    public async Task BackupOn_ManagementPlaneDown_NewInstancesStartFromBackup_AndCatchUpLater(string provider)
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await HybridWithBackupAsync(provider);
        await using (var first = await GatewayProcess.StartAsync("", env: env))
        {
            await first.EventuallyAsync(async () => (await first.StatusAsync()).GetProperty("backup").TryGetProperty("lastRevision", out _), "first backup written");
        }

        Plane.Kill();

        // Ten instances at once, no management plane: every one serves from the backup.
        var instances = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => GatewayProcess.StartAsync("", env: env)));
        try
        {
            foreach (var instance in instances)
            {
                Assert.Equal(HttpStatusCode.OK, (await instance.Client.GetAsync("/echo/x")).StatusCode);
                Assert.StartsWith("backup:", (await instance.StatusAsync()).GetProperty("configSource").GetString(), StringComparison.Ordinal);
            }

            // The management plane comes back with a change made meanwhile: every instance catches up.
            await Plane.RestartAsync();
            await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo"), ("new", "/new")));
            foreach (var instance in instances)
            {
                await instance.EventuallyAsync(async () => (await instance.Client.GetAsync("/new/x")).StatusCode == HttpStatusCode.OK, "caught up", 30);
            }
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(BackupStores.All), MemberType = typeof(BackupStores))]
    public async Task BadBackups_AreSkipped_NextOlderGoodOneServes(string provider)
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("good", "/good")));
        var env = await HybridWithBackupAsync(provider);
        env["Backup__EncryptionKey"] = "correct horse battery staple";
        await using (var writer = await GatewayProcess.StartAsync("", env: env))
        {
            await writer.EventuallyAsync(async () => (await writer.StatusAsync()).GetProperty("backup").TryGetProperty("lastRevision", out _), "backup written");
        }

        var store = Store(env);
        var good = (await BackupKeysAsync(store)).Last();
        var goodBytes = (await store.GetAsync(good))!.Content.ToArray();
        long revision = long.Parse(good.Split('/')[^1][..19], System.Globalization.CultureInfo.InvariantCulture);
        string Newer(int n, string tag) => $"gateways/gw1/snapshots/{revision + n:D19}-{tag}.json";

        // Newer than the good one: truncated, bit-flipped, plaintext planted, and one encrypted under another name.
        await store.PutAsync(Newer(1, "aaaaaaaaaaaa"), goodBytes.AsMemory(0, goodBytes.Length / 2), WriteCondition.None);
        var flipped = (byte[])goodBytes.Clone();
        flipped[^5] ^= 0x55;
        await store.PutAsync(Newer(2, "bbbbbbbbbbbb"), flipped, WriteCondition.None);
        await store.PutAsync(Newer(3, "cccccccccccc"), Encoding.UTF8.GetBytes("""{ "schemaVersion": 1, "gatewayId": "gw1", "revision": 99, "apis": [] }"""), WriteCondition.None);
        await store.PutAsync(Newer(4, "dddddddddddd"), goodBytes, WriteCondition.None); // valid ciphertext, but bound to another object name

        Plane.Kill();
        await using var gateway = await GatewayProcess.StartAsync("", env: env);

        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/good/x")).StatusCode);
        Assert.Equal($"backup:{good}", (await gateway.StatusAsync()).GetProperty("configSource").GetString());
        foreach (var tag in new[] { "aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc", "dddddddddddd" })
        {
            await gateway.PrintedAsync($"{tag}.json in");
        }

        // A wrong key finds nothing it can trust: with the management plane down, the start fails, naming what was tried.
        env["Backup__EncryptionKey"] = "another passphrase";
        await using var wrongKey = GatewayProcess.Launch("", env: env);
        Assert.Equal(1, await wrongKey.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("wrong Backup:EncryptionKey", wrongKey.Output, StringComparison.Ordinal);
        Assert.Contains("no valid backup in", wrongKey.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForeignGatewayBackup_IsRefused()
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw2", ("other", "/other")));
        var gw2 = await HybridWithBackupAsync("disk", "gw2");
        var env = new Dictionary<string, string>(gw2) { ["Gateway__Id"] = "gw1" }; // gw1's token is never used: the plane is down
        await using (var writer = await GatewayProcess.StartAsync("", env: gw2))
        {
            await writer.EventuallyAsync(async () => (await writer.StatusAsync()).GetProperty("backup").TryGetProperty("lastRevision", out _), "gw2 backup written");
        }

        // Plant gw2's signed snapshot where gw1 looks for its backups.
        var store = Store(env);
        await foreach (var info in store.ListAsync("gateways/gw2/snapshots/"))
        {
            var content = (await store.GetAsync(info.Key))!.Content;
            await store.PutAsync(info.Key.Replace("gw2", "gw1", StringComparison.Ordinal), content, WriteCondition.None);
        }

        Plane.Kill();
        await using var gateway = GatewayProcess.Launch("", env: env);

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("this snapshot is for gateway 'gw2', not 'gw1'", gateway.Output, StringComparison.Ordinal);
    }

    /// <summary>A store this test may take down and bring back (its own emulator, or its own folder).</summary>
    private sealed class Outage(string provider, Dictionary<string, string> env) : IAsyncDisposable
    {
        private EmulatorProcess? emulator;

        public static async Task<Outage> CreateAsync(string provider, Dictionary<string, string> env)
        {
            var outage = new Outage(provider, env);
            switch (provider)
            {
                case "blob":
                    outage.emulator = await EmulatorFixture.StartAzuriteAsync();
                    env["Backup__Blob__ConnectionString"] = EmulatorFixture.BlobConnectionString(outage.emulator.Port);
                    break;
                case "s3":
                    outage.emulator = await EmulatorFixture.StartS3rverAsync(EmulatorFixture.S3Bucket);
                    env["Backup__S3__ServiceUrl"] = $"http://127.0.0.1:{outage.emulator.Port}";
                    break;
                default:
                    break;
            }

            return outage;
        }

        public void TakeDown()
        {
            if (emulator is not null)
            {
                emulator.Stop();
                return;
            }

            // A disk that is gone: the folder moved away and a file in its place.
            var path = env["Backup__Disk__Path"];
            Directory.Move(path, path + ".away");
            File.WriteAllText(path, "not a folder");
        }

        public async Task BringBackAsync()
        {
            if (emulator is null)
            {
                var path = env["Backup__Disk__Path"];
                File.Delete(path);
                Directory.Move(path + ".away", path);
                return;
            }

            var (port, folder) = (emulator.Port, emulator.DataFolder);
            emulator = provider == "blob"
                ? await EmulatorFixture.StartAzuriteAsync(port, folder)
                : await EmulatorFixture.StartS3rverAsync(EmulatorFixture.S3Bucket, port, folder);
        }

        public async ValueTask DisposeAsync()
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(BackupStores.All), MemberType = typeof(BackupStores))]
    public async Task StoreDown_GatewayServesAndSyncs_ReportsFailure_BacksUpWhenBack(string provider)
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await HybridWithBackupAsync(provider);
        await using var outage = await Outage.CreateAsync(provider, env);
        await using var gateway = await GatewayProcess.StartAsync("", env: env);
        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).GetProperty("backup").TryGetProperty("lastRevision", out _), "first backup");

        outage.TakeDown();
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo"), ("during", "/during")));
        await gateway.EventuallyAsync(async () => (await gateway.Client.GetAsync("/during/x")).StatusCode == HttpStatusCode.OK, "synced while the store is down", 30);
        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).GetProperty("backup").TryGetProperty("lastError", out _), "backup failure reported", 60);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/echo/x")).StatusCode);
        var revision = (await gateway.StatusAsync()).GetProperty("revision").GetInt64();

        await outage.BringBackAsync();
        await gateway.EventuallyAsync(async () =>
        {
            var backup = (await gateway.StatusAsync()).GetProperty("backup");
            return backup.TryGetProperty("lastRevision", out var r) && r.GetInt64() == revision && !backup.TryGetProperty("lastError", out _);
        }, "backed up once the store is back", 90);
    }
}
