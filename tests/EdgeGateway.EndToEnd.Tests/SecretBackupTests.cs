using System.Net;
using Backup.Providers.Configuration;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// A snapshot holding secret named values is backed up only encrypted (Backup:EncryptionKey), or in plain text when the
/// operator opts in with Backup:AllowPlaintextSecrets=true; otherwise the gateway serves it, does not back it up, and says
/// why in its log and status, never printing the value (docs/configuration.md).
/// </summary>
public sealed class SecretBackupTests : IAsyncLifetime
{
    private const string Prefix = "gateways/gw/snapshots/";
    private const string SecretValue = "s3cr3t-backend-token-9d2e";
    private readonly ConfigFolder folder = new();
    private TestBackend backend = null!;

    public async Task InitializeAsync() => backend = await TestBackend.StartAsync();

    public async Task DisposeAsync()
    {
        await backend.DisposeAsync();
        folder.Dispose();
    }

    private string Backups => folder.File_("backups");

    private Dictionary<string, string> Env(string? encryptionKey = null, bool allowPlaintext = false)
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

        if (allowPlaintext)
        {
            env["Backup__AllowPlaintextSecrets"] = "true";
        }

        return env;
    }

    private string Config(long revision, bool withSecret) => $$"""
        { "schemaVersion": 1, "revision": {{revision}}, "gatewayId": "gw",
          "apis": [ { "id": "r{{revision}}", "path": "/r{{revision}}", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] } } ],
          "namedValues": [ { "id": "plain", "value": "visible" }{{(withSecret ? $$$""", { "id": "backend-token", "value": "{{{SecretValue}}}", "secret": true }""" : "")}} ] }
        """;

    private async Task<List<(string Key, byte[] Content)>> BackupsAsync()
    {
        var store = ObjectStoreFactory.Create(new ConfigurationBuilder().AddInMemoryCollection(
            [new("Backup:Provider", "disk"), new("Backup:Disk:Path", Backups)]).Build().GetSection("Backup"), "Backup", "none", TimeProvider.System)!;
        var found = new List<(string, byte[])>();
        await foreach (var info in store.ListAsync(Prefix))
        {
            found.Add((info.Key, (await store.GetAsync(info.Key))!.Content.ToArray()));
        }

        return found;
    }

    private static async Task BackedUpAsync(GatewayProcess gateway, long revision) =>
        await gateway.EventuallyAsync(async () =>
            (await gateway.StatusAsync()).GetProperty("backup").TryGetProperty("lastRevision", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.Number && r.GetInt64() == revision,
            $"revision {revision} backed up", 60);

    private static bool Contains(byte[] content, string text) => System.Text.Encoding.UTF8.GetString(content).Contains(text, StringComparison.Ordinal);

    [Fact]
    public async Task SecretValues_NoEncryptionKey_NotBackedUp_LogAndStatusNameTheSetting_ConfigStillServes()
    {
        folder.Write(Config(1, withSecret: true));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: Env());

        await gateway.EventuallyAsync(async () =>
            (await gateway.StatusAsync()).GetProperty("backup").GetProperty("lastError").ValueKind == System.Text.Json.JsonValueKind.String,
            "backup refusal in status", 60);
        var status = await gateway.Admin.GetStringAsync("/status-0123456789abcdef");
        Assert.Contains("Backup:AllowPlaintextSecrets=true", status, StringComparison.Ordinal);
        Assert.Contains("Backup:EncryptionKey", status, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretValue, status, StringComparison.Ordinal);
        await gateway.PrintedAsync("Backup:AllowPlaintextSecrets=true");
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/r1/x")).StatusCode);
        Assert.Empty(await BackupsAsync());

        // A revision without secret values is backed up as usual, and clears the error.
        folder.Write(Config(2, withSecret: false));
        await BackedUpAsync(gateway, 2);
        var backups = await BackupsAsync();
        Assert.StartsWith(Prefix + "0000000000000000002-", Assert.Single(backups).Key, StringComparison.Ordinal);
        Assert.False((await gateway.StatusAsync()).GetProperty("backup").TryGetProperty("lastError", out var error) && error.ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.DoesNotContain(SecretValue, gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretValues_WithEncryptionKey_BackedUpEncrypted()
    {
        folder.Write(Config(1, withSecret: true));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: Env(encryptionKey: "a passphrase for the secret backups test"));

        await BackedUpAsync(gateway, 1);

        var (_, content) = Assert.Single(await BackupsAsync());
        Assert.False(Contains(content, SecretValue));
        Assert.False(Contains(content, "backend-token"));
        Assert.DoesNotContain(SecretValue, gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretValues_AllowPlaintextSecrets_BackedUpInPlain()
    {
        folder.Write(Config(1, withSecret: true));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: Env(allowPlaintext: true));

        await BackedUpAsync(gateway, 1);

        var (_, content) = Assert.Single(await BackupsAsync());
        Assert.True(Contains(content, SecretValue));
        Assert.DoesNotContain(SecretValue, await gateway.Admin.GetStringAsync("/status-0123456789abcdef"), StringComparison.Ordinal);
    }
}
