using Backup.Providers.Blob;
using Backup.Providers.Disk;
using Backup.Providers.S3;
using EdgeGateway.Tests.Cli;
using ManagementPlane.Cli;
using ManagementPlane.Hosting;
using Microsoft.Extensions.Configuration;

namespace ManagementPlane.Tests.Cli;

/// <summary>
/// <c>ManagementPlane settings</c> and <c>healthcheck</c>'s choice of listener: the list covers the bound options
/// (reflection cross-check) and agrees with the docs; the port is the one ASP.NET Core binds from the same settings.
/// </summary>
public sealed class PlaneSettingsCommandTests
{
    private static readonly IReadOnlyList<EdgeGateway.Contracts.Cli.Setting> Listed = PlaneSettingsList.Build().All;

    [Theory]
    [InlineData(typeof(ManagementOptions), "Management")]
    [InlineData(typeof(DiskStoreOptions), "Management:Store:Disk")]
    [InlineData(typeof(BlobStoreOptions), "Management:Store:Blob")]
    [InlineData(typeof(S3StoreOptions), "Management:Store:S3")]
    public void Settings_ListEveryPropertyOfTheBoundOptions_NestedOnesToo(Type type, string prefix)
    {
        var expected = SettingsDocs.ReflectedKeys(type, prefix).ToList();
        Assert.NotEmpty(expected);
        var missing = expected.Where(k => !Listed.Any(s => s.Key.Equals(k, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(missing.Count == 0, $"not listed by ManagementPlane settings: {string.Join(", ", missing)}");
        if (type == typeof(ManagementOptions))
        {
            Assert.Contains("Management:Heartbeats:ForgetAfter", expected); // the walk does reach nested objects
        }
    }

    [Fact]
    public void Settings_ListEveryPlaneKeyOfTheDocsSettingsTables()
    {
        var documented = SettingsDocs.TableKeys().Where(SettingsDocs.IsPlaneKey).ToList();
        Assert.Contains(documented, k => k.Key == "Management:AdminKeys");
        Assert.Contains(documented, k => k.Key == "http_ports");
        var missing = documented.Where(k => !SettingsDocs.IsListed(k.Key, Listed)).Select(k => $"{k.Key} ({k.File})").ToList();
        Assert.True(missing.Count == 0, $"documented but not listed by ManagementPlane settings: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Settings_EveryListedKey_IsDocumented_AndHasADefaultAndMeaning()
    {
        var mentioned = SettingsDocs.Mentioned();
        var undocumented = Listed.Where(s => !s.Key.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
            .Where(s => !SettingsDocs.IsDocumented(s.Key, mentioned)).Select(s => s.Key).ToList();
        Assert.True(undocumented.Count == 0, $"listed by ManagementPlane settings but in no docs/*.md: {string.Join(", ", undocumented)}");
        Assert.All(Listed, s => Assert.False(string.IsNullOrWhiteSpace(s.Meaning) || string.IsNullOrWhiteSpace(s.Default), s.Key));
    }

    [Fact]
    public async Task SettingsNames_SortedKeys_WithPatterns_ExitZero()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, await ManagementPlaneCli.RunAsync(["settings", "--names"], stdout, TextWriter.Null));
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Order(StringComparer.OrdinalIgnoreCase), lines);
        Assert.Contains("Management:AdminKeys:*", lines);
        Assert.Contains("Management:Store:Blob:ServiceUri", lines);
        Assert.Contains("Logging:LogLevel:*", lines);
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", lines);
        Assert.Equal("./data", Listed.Single(s => s.Key == "Management:Store:Disk:Path").Default);
        Assert.Equal("30.00:00:00", Listed.Single(s => s.Key == "Management:MaxTokenLifetime").Default);
    }

    [Fact]
    public async Task Settings_BadOption_Exits2()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, await ManagementPlaneCli.RunAsync(["settings", "--all"], TextWriter.Null, stderr));
        Assert.Contains("--all", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_NamesTheSubcommands()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, await ManagementPlaneCli.RunAsync(["help"], stdout, TextWriter.Null));
        Assert.Contains("healthcheck", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("settings [--names]", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("export-keys", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("import-apiops DIR", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:7001", null, null, "http://127.0.0.1:7001")]
    [InlineData(null, "http://+:7002", "7003", "http://+:7002")]
    [InlineData(null, null, "7003", "http://*:7003")]
    [InlineData(null, null, null, "http://localhost:5000")]
    [InlineData(null, "", "7003", "http://*:7003")]
    [InlineData("", " ", null, "http://localhost:5000")]
    public void HealthcheckUrls_CommandLine_ThenUrls_ThenHttpPorts_ThenAspNetCoreDefault_EmptyCountsAsUnset(string? commandLine, string? urls, string? httpPorts, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls, ["http_ports"] = httpPorts }).Build();
        Assert.Equal(expected, HealthcheckCommand.Urls(commandLine, configuration));
    }

    [Fact]
    public async Task Healthcheck_BadOption_Exits1_NotDockersReserved2()
    {
        var stderr = new StringWriter();
        Assert.Equal(1, await ManagementPlaneCli.RunAsync(["healthcheck", "--nope"], TextWriter.Null, stderr));
        Assert.Contains("usage: ManagementPlane healthcheck", stderr.ToString(), StringComparison.Ordinal);
    }
}
