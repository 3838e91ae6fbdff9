using Backup.Providers.Blob;
using Backup.Providers.Disk;
using Backup.Providers.S3;
using EdgeGateway.Cli;
using EdgeGateway.Configuration;
using EdgeGateway.Policies.Redis;

namespace EdgeGateway.Tests.Cli;

/// <summary>
/// <c>EdgeGateway settings</c>: lists what the gateway binds (checked against a reflection walk of the options types),
/// agrees with the docs in both directions, and prints the table and the names as the lead decided.
/// </summary>
public sealed class GatewaySettingsCommandTests
{
    private static readonly IReadOnlyList<Contracts.Cli.Setting> Listed = GatewaySettingsList.Build().All;

    public static TheoryData<string, string> BoundOptions => new()
    {
        { typeof(GatewayOptions).FullName!, GatewayOptions.Section },
        { typeof(TrustOptions).FullName!, TrustOptions.Section },
        { typeof(ManagementPlaneOptions).FullName!, ManagementPlaneOptions.Section },
        { typeof(BackupOptions).FullName!, BackupOptions.Section },
        { typeof(RateLimitOptions).FullName!, RateLimitOptions.Section },
        { typeof(CacheOptions).FullName!, CacheOptions.Section },
        { typeof(DiskStoreOptions).AssemblyQualifiedName!, "Backup:Disk" },
        { typeof(BlobStoreOptions).AssemblyQualifiedName!, "Backup:Blob" },
        { typeof(S3StoreOptions).AssemblyQualifiedName!, "Backup:S3" },
    };

    [Theory]
    [MemberData(nameof(BoundOptions))]
    public void Settings_ListEveryPropertyOfTheBoundOptions_NestedOnesToo(string typeName, string prefix)
    {
        var type = typeof(GatewayOptions).Assembly.GetType(typeName) ?? Type.GetType(typeName, throwOnError: true)!;
        var expected = SettingsDocs.ReflectedKeys(type, prefix).ToList();
        Assert.NotEmpty(expected);
        var missing = expected.Where(k => !Listed.Any(s => s.Key.Equals(k, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(missing.Count == 0, $"not listed by EdgeGateway settings: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Settings_ListEveryKeyOfTheDocsSettingsTables()
    {
        var documented = SettingsDocs.TableKeys().Where(k => !SettingsDocs.IsPlaneKey(k)).ToList();
        Assert.Contains(documented, k => k.Key == "Gateway:ConfigFile");
        Assert.Contains(documented, k => k.Key == "Backup:Blob:ServiceUri");
        var missing = documented.Where(k => !SettingsDocs.IsListed(k.Key, Listed)).Select(k => $"{k.Key} ({k.File})").ToList();
        Assert.True(missing.Count == 0, $"documented but not listed by EdgeGateway settings: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Settings_EveryListedKey_IsDocumented_AndHasADefaultAndMeaning()
    {
        var mentioned = SettingsDocs.Mentioned();
        var undocumented = Listed.Where(s => !IsEnvironmentVariable(s.Key) && !SettingsDocs.IsDocumented(s.Key, mentioned)).Select(s => s.Key).ToList();
        Assert.True(undocumented.Count == 0, $"listed by EdgeGateway settings but in no docs/*.md: {string.Join(", ", undocumented)}");
        Assert.All(Listed, s => Assert.False(string.IsNullOrWhiteSpace(s.Meaning) || string.IsNullOrWhiteSpace(s.Default), s.Key));
    }

    [Fact]
    public void Settings_Defaults_AreTheOptionsInitializers()
    {
        string Default(string key) => Listed.Single(s => s.Key == key).Default;
        Assert.Equal("00:00:25", Default("Gateway:ShutdownTimeout"));
        Assert.Equal("5", Default("Backup:Keep"));
        Assert.Equal("open", Default("RateLimit:Redis:FailureMode"));
        Assert.Equal("http://+:8080", Default("ASPNETCORE_URLS"));
        Assert.Equal("none", Default("Backup:Provider"));
        Assert.Equal("-", Default("Gateway:ConfigFile"));
    }

    [Fact]
    public void Settings_ListOnlyTheFormsThatWork_ListenersAsTheirVariables_NoAwsWebIdentity()
    {
        var keys = Listed.Select(s => s.Key).ToList();
        Assert.Contains("ASPNETCORE_URLS", keys);
        Assert.Contains("DOTNET_URLS", keys);
        Assert.Contains("ASPNETCORE_HTTP_PORTS", keys);
        Assert.Contains("DOTNET_HTTP_PORTS", keys);

        // The gateway takes its listeners before the host sees them: a urls/http_ports key from any other source is ignored.
        Assert.DoesNotContain("urls", keys, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("http_ports", keys, StringComparer.OrdinalIgnoreCase);

        // Web identity needs AWSSDK.SecurityToken, which no project references (docs/storage.md).
        Assert.DoesNotContain("AWS_ROLE_ARN", keys);
        Assert.DoesNotContain("AWS_WEB_IDENTITY_TOKEN_FILE", keys);
    }

    [Fact]
    public async Task SettingsNames_PrintsSortedKeys_OnePerLine_WithPatternsAndEnvironmentVariables()
    {
        var (code, stdout, stderr) = await RunAsync("settings", "--names");
        Assert.Equal(0, code);
        Assert.Empty(stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Order(StringComparer.OrdinalIgnoreCase), lines);
        Assert.Contains("Gateway:ConfigFile", lines);
        Assert.Contains("Backup:Blob:ServiceUri", lines);
        Assert.Contains("Gateway:TrustedProxies:*", lines);
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", lines);
        Assert.Contains("AZURE_FEDERATED_TOKEN_FILE", lines);
        Assert.DoesNotContain(lines, l => l.Contains(' ', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Settings_PrintsATable_KeyDefaultMeaning()
    {
        var (code, stdout, _) = await RunAsync("settings");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n');
        Assert.Matches(@"^KEY\s+DEFAULT\s+MEANING", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Backup:Keep\s+5\s+\S"));
    }

    [Fact]
    public async Task Settings_UnknownOption_IsAUsageError()
    {
        var (code, _, stderr) = await RunAsync("settings", "--json");
        Assert.Equal(GatewayCli.Usage, code);
        Assert.Contains("--json", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_NamesHealthcheckAndSettings()
    {
        var (_, stdout, _) = await RunAsync("help");
        Assert.Contains("healthcheck", stdout, StringComparison.Ordinal);
        Assert.Contains("settings [--names]", stdout, StringComparison.Ordinal);
    }

    private static bool IsEnvironmentVariable(string key) => key.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_');

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await GatewayCli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
