using System.Net;
using Backup.Providers;
using Backup.Providers.Configuration;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// What docs/operations.md promises about the backups a running gateway writes to a disk store: pruning to
/// Backup:Keep, a pending backup flushed on SIGTERM, and a damaged or old-key object repaired on the next write.
/// </summary>
public sealed class BackupLifecycleTests : IAsyncLifetime
{
    private const string Prefix = "gateways/gw/snapshots/";
    private readonly ConfigFolder folder = new();
    private TestBackend backend = null!;

    public async Task InitializeAsync() => backend = await TestBackend.StartAsync();

    public async Task DisposeAsync()
    {
        await backend.DisposeAsync();
        folder.Dispose();
    }

    private string Backups => folder.File_("backups");

    private Dictionary<string, string> Env(string? encryptionKey = null, int? keep = null)
    {
        var env = new Dictionary<string, string>
        {
            ["Gateway__Id"] = "gw",
            ["Backup__Provider"] = "disk",
            ["Backup__Disk__Path"] = Backups,
        };
        if (encryptionKey is not null)
        {
            env["Backup__EncryptionKey"] = encryptionKey;
        }

        if (keep is not null)
        {
            env["Backup__Keep"] = keep.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return env;
    }

    private string Config(long revision) => $$"""
        { "schemaVersion": 1, "revision": {{revision}}, "gatewayId": "gw",
          "apis": [ { "id": "r{{revision}}", "path": "/r{{revision}}", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] } } ] }
        """;

    private IObjectStore Store() => ObjectStoreFactory.Create(new ConfigurationBuilder().AddInMemoryCollection(
        [new("Backup:Provider", "disk"), new("Backup:Disk:Path", Backups)]).Build().GetSection("Backup"), "Backup", "none", TimeProvider.System)!;

    private async Task<List<string>> KeysAsync()
    {
        var keys = new List<string>();
        await foreach (var info in Store().ListAsync(Prefix))
        {
            keys.Add(info.Key);
        }

        return [.. keys.Order(StringComparer.Ordinal)];
    }

    private static async Task BackedUpAsync(GatewayProcess gateway, long revision) =>
        await gateway.EventuallyAsync(async () =>
            (await gateway.StatusAsync()).GetProperty("backup").TryGetProperty("lastRevision", out var r) && r.GetInt64() == revision,
            $"revision {revision} backed up", 60);

    /// <summary>Starts with no config file: whatever is served comes from the backups.</summary>
    private async Task<GatewayProcess> StartFromBackupAsync(Dictionary<string, string> env)
    {
        File.Delete(folder.ConfigFile);
        return await GatewayProcess.StartAsync(folder.ConfigFile, env: env);
    }

    [Fact]
    public async Task Keep_FourRevisionsApplied_OnlyTheNewestTwoAreKept()
    {
        folder.Write(Config(1));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: Env(keep: 2));
        await BackedUpAsync(gateway, 1);

        for (var revision = 2; revision <= 4; revision++)
        {
            folder.Write(Config(revision));
            await BackedUpAsync(gateway, revision);
        }

        var keys = await KeysAsync();
        Assert.Equal(2, keys.Count);
        Assert.StartsWith(Prefix + "0000000000000000003-", keys[0], StringComparison.Ordinal);
        Assert.StartsWith(Prefix + "0000000000000000004-", keys[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_BackupPending_FlushesItBeforeExiting()
    {
        folder.Write(Config(1));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: Env());
        await BackedUpAsync(gateway, 1);

        // The store goes away (a file where the folder was), revision 2 is applied and its backup keeps failing.
        Directory.Move(Backups, Backups + ".away");
        await File.WriteAllTextAsync(Backups, "not a folder");
        folder.Write(Config(2));
        await gateway.EventuallyAsync(async () => (await gateway.Client.GetAsync("/r2/x")).StatusCode == HttpStatusCode.OK, "revision 2 applied");

        // Four failed attempts: the next retry is at least 4 s away (backoff 8 s, jittered down to half at most), so
        // only the flush on stop can write revision 2 once the store is back.
        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).GetProperty("backup").GetProperty("failed").GetInt64() >= 4,
            "four failed backup attempts", 60);
        File.Delete(Backups);
        Directory.Move(Backups + ".away", Backups);
        gateway.SendSigterm();

        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Stopping: finishing the backup of revision 2", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Stopped before revision 2 was backed up", gateway.Output, StringComparison.Ordinal);
        Assert.Contains(await KeysAsync(), k => k.StartsWith(Prefix + "0000000000000000002-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EncryptionKeyChanged_SameRevisionBackedUpAgain_NextStartFromBackupUsesTheNewKey()
    {
        folder.Write(Config(1));
        await using (var before = await GatewayProcess.StartAsync(folder.ConfigFile, env: Env("the old passphrase")))
        {
            await BackedUpAsync(before, 1);
        }

        // Rotation: the same revision, backed up under the new key, replaces the object the new key cannot read.
        var rotated = Env("the new passphrase");
        await using (var after = await GatewayProcess.StartAsync(folder.ConfigFile, env: rotated))
        {
            await BackedUpAsync(after, 1);
        }

        await using var restored = await StartFromBackupAsync(rotated);

        Assert.StartsWith("backup:" + Prefix + "0000000000000000001-", (await restored.StatusAsync()).GetProperty("configSource").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await restored.Client.GetAsync("/r1/x")).StatusCode);
        Assert.Single(await KeysAsync());
    }

    [Fact]
    public async Task DamagedBackup_SameRevisionBackedUpAgain_IsRepaired()
    {
        var env = Env("one passphrase");
        folder.Write(Config(1));
        await using (var writer = await GatewayProcess.StartAsync(folder.ConfigFile, env: env))
        {
            await BackedUpAsync(writer, 1);
        }

        var key = Assert.Single(await KeysAsync());
        var damaged = (await Store().GetAsync(key))!.Content.ToArray();
        damaged[^5] ^= 0x55;
        await Store().PutAsync(key, damaged, WriteCondition.None);

        await using (var repairer = await GatewayProcess.StartAsync(folder.ConfigFile, env: env))
        {
            await BackedUpAsync(repairer, 1);
        }

        Assert.NotEqual(damaged, (await Store().GetAsync(key))!.Content.ToArray());
        await using var restored = await StartFromBackupAsync(env);
        Assert.Equal($"backup:{key}", (await restored.StatusAsync()).GetProperty("configSource").GetString());
        Assert.Equal(HttpStatusCode.OK, (await restored.Client.GetAsync("/r1/x")).StatusCode);
    }
}
