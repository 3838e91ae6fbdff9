using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json.Nodes;
using EdgeGateway.Contracts.Signing;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Aot;

/// <summary>
/// The plane's keys through the AOT binary: required from settings (value or file), generated only with
/// Management:DevelopmentKeys, and the way out for keys an earlier version kept in the state store.
/// </summary>
public sealed class PublishedPlaneKeyTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("mp-aot-keys-");

    public void Dispose() => folder.Delete(recursive: true);

    private string StorePath => Path.Combine(folder.FullName, "state");

    private static readonly Dictionary<string, string?> NoKeys = new()
    {
        ["Management__SigningKey"] = null,
        ["Management__EncryptionKey"] = null,
    };

    /// <summary>Runs the binary to its exit (it must not start listening); the exit code and everything it printed.</summary>
    private async Task<(int ExitCode, string Output)> RunToExitAsync(Dictionary<string, string?> settings, params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["Management__AdminKeys__0"] = PublishedPlane.AdminKey,
            ["Management__Store__Disk__Path"] = StorePath,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{PublishedPlane.FreePort()}",
        };
        foreach (var (key, value) in settings)
        {
            if (value is not null)
            {
                environment[key] = value;
            }
        }

        var output = new StringBuilder();
        using var process = PublishedPlane.Start(await PublishedPlane.BinaryAsync(), environment, output, arguments);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        process.WaitForExit(); // drains the output
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static HttpClient Admin(PublishedPlane plane)
    {
        var client = new HttpClient { BaseAddress = plane.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PublishedPlane.AdminKey);
        return client;
    }

    private static string PublicPem(string privatePem)
    {
        Assert.True(SigningKeys.TryImport(privatePem, out var key, out var error), error);
        using (key)
        {
            return SigningKeys.ExportPublicPem(key!);
        }
    }

    [Fact]
    public async Task Binary_NoKeySettings_ExitsWithOneLineNamingBothSettings()
    {
        var (exitCode, output) = await RunToExitAsync(NoKeys);

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("ManagementPlane cannot start:", line, StringComparison.Ordinal);
        Assert.Contains("Management:SigningKey", line, StringComparison.Ordinal);
        Assert.Contains("Management:EncryptionKey", line, StringComparison.Ordinal);
        Assert.Contains("Management:DevelopmentKeys", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(StorePath, "keys")), "no key may be generated into the store");
    }

    [Fact]
    public async Task Binary_KeysFromEnvironment_SignsWithThatKey()
    {
        await using var plane = new PublishedPlane([], Path.Combine(folder.FullName, "env"));
        await plane.InitializeAsync();
        using var client = new HttpClient { BaseAddress = plane.BaseAddress };

        Assert.Equal(PublicPem(TestKeys.SigningKeyPem), await client.GetStringAsync("/signing-key"));
        Assert.False(Directory.Exists(Path.Combine(plane.StorePath, "keys")), "no key may be generated into the store");
    }

    [Fact]
    public async Task Binary_KeysFromFiles_SignsWithThatKeyAndDecryptsWithTheOther()
    {
        var signingKeyFile = Path.Combine(folder.FullName, "signing-key.pem");
        var encryptionKeyFile = Path.Combine(folder.FullName, "encryption-key");
        using (var key = SigningKeys.Generate())
        {
            await File.WriteAllTextAsync(signingKeyFile, SigningKeys.ExportPrivatePem(key));
        }

        await File.WriteAllTextAsync(encryptionKeyFile, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");
        var files = new Dictionary<string, string?>(NoKeys)
        {
            ["Management__SigningKeyFile"] = signingKeyFile,
            ["Management__EncryptionKeyFile"] = encryptionKeyFile,
        };

        await using (var plane = new PublishedPlane(files, StorePath))
        {
            await plane.InitializeAsync();
            using var admin = Admin(plane);
            Assert.Equal(PublicPem(await File.ReadAllTextAsync(signingKeyFile)), await admin.GetStringAsync("/signing-key"));
            Assert.True((await admin.PutAsync("/named-values/password", TestPlane.Json("""{"value":"s3cret","secret":true}"""))).IsSuccessStatusCode);
        }

        // Restarted with the same files: the secret written under that encryption key reads back.
        await using (var again = new PublishedPlane(files, StorePath))
        {
            await again.InitializeAsync();
            using var admin = Admin(again);
            var value = JsonNode.Parse(await (await admin.PostAsync("/named-values/password/list-value", null)).Content.ReadAsStringAsync())!;
            Assert.Equal("s3cret", value["value"]!.GetValue<string>());
        }

        var (exitCode, output) = await RunToExitAsync(new(files) { ["Management__SigningKeyFile"] = Path.Combine(folder.FullName, "missing.pem") });
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Management:SigningKeyFile", output, StringComparison.Ordinal);
        Assert.Contains("missing.pem", output, StringComparison.Ordinal);
    }

    [Fact]
    [SupportedOSPlatform("linux")] // file modes
    public async Task Binary_KeysInStoreNoneInSettings_RefusesWithMoveSteps_AndExportedKeysKeepTheSignatureAndSecrets()
    {
        // An earlier version (here: DevelopmentKeys, which still works for the demo) generated both keys into the store.
        string publicKey;
        await using (var development = new PublishedPlane(new(NoKeys) { ["Management__DevelopmentKeys"] = "true" }, StorePath))
        {
            await development.InitializeAsync();
            using var admin = Admin(development);
            publicKey = await admin.GetStringAsync("/signing-key");
            Assert.True((await admin.PutAsync("/named-values/password", TestPlane.Json("""{"value":"s3cret","secret":true}"""))).IsSuccessStatusCode);
            Assert.True(await development.PrintedAsync("Management:DevelopmentKeys is on"), development.Output);
        }

        Assert.True(File.Exists(Path.Combine(StorePath, "keys", "signing-key.pem")));

        var (exitCode, refused) = await RunToExitAsync(NoKeys);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("keys/signing-key.pem and keys/encryption-key", refused, StringComparison.Ordinal);
        Assert.Contains("ManagementPlane export-keys --out", refused, StringComparison.Ordinal);
        Assert.Contains("Management__SigningKeyFile=<folder>/signing-key.pem", refused, StringComparison.Ordinal);
        Assert.Contains("Management__EncryptionKeyFile=<folder>/encryption-key", refused, StringComparison.Ordinal);

        var exported = Path.Combine(folder.FullName, "exported");
        var (exportCode, exportOutput) = await RunToExitAsync(NoKeys, "export-keys", "--out", exported);
        Assert.True(exportCode == 0, exportOutput);
        var signingKeyFile = Path.Combine(exported, "signing-key.pem");
        var encryptionKeyFile = Path.Combine(exported, "encryption-key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(signingKeyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(encryptionKeyFile));
        Assert.Contains($"Management__SigningKeyFile={signingKeyFile}", exportOutput, StringComparison.Ordinal);

        var (againCode, againOutput) = await RunToExitAsync(NoKeys, "export-keys", "--out", exported);
        Assert.NotEqual(0, againCode);
        Assert.Contains("exists", againOutput, StringComparison.Ordinal);

        // Moved: the same signing key (gateways keep trusting it) and the same encryption key (secrets still read).
        await using var moved = new PublishedPlane(new(NoKeys) { ["Management__SigningKeyFile"] = signingKeyFile, ["Management__EncryptionKeyFile"] = encryptionKeyFile }, StorePath);
        await moved.InitializeAsync();
        using var client = Admin(moved);
        Assert.Equal(publicKey, await client.GetStringAsync("/signing-key"));
        var value = JsonNode.Parse(await (await client.PostAsync("/named-values/password/list-value", null)).Content.ReadAsStringAsync())!;
        Assert.Equal("s3cret", value["value"]!.GetValue<string>());
    }
}
