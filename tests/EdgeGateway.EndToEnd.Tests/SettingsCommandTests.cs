using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// <c>settings</c> through both AOT binaries (the AOT-safe walk of the options types must list in the published
/// binary what the JIT tests see), and the APPLICATIONINSIGHTS_CONNECTION_STRING notice at start, without the value.
/// </summary>
public sealed class SettingsCommandTests
{
    [Fact]
    public async Task GatewaySettingsNames_KnownKeysPatternsAndVariables_SortedOnePerLine()
    {
        var (code, stdout, stderr) = await GatewayCommand.RunAsync("settings", "--names");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        var names = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), names);
        foreach (var key in new[] { "Gateway:ConfigFile", "Gateway:Tls:CertificatePath", "Backup:Blob:ServiceUri", "Backup:S3:Bucket",
                     "ManagementPlane:Url", "RateLimit:Redis:ConnectionString", "Gateway:TrustedProxies:*", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS",
                     "Logging:LogLevel:Default", "APPLICATIONINSIGHTS_CONNECTION_STRING", "AZURE_CLIENT_ID" })
        {
            Assert.Contains(key, names);
        }
    }

    [Fact]
    public async Task GatewaySettings_Table_WithDefaultsFromTheOptions()
    {
        var (code, stdout, _) = await GatewayCommand.RunAsync("settings");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n');
        Assert.Matches(@"^KEY\s+DEFAULT\s+MEANING\s*$", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Gateway:ShutdownTimeout\s+00:00:25\s+\S"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Backup:S3:ConditionalWrites\s+true\s+\S"));
    }

    [Fact]
    public async Task PlaneSettingsNames_KnownKeysAndPatterns()
    {
        var (code, stdout, stderr) = await PlaneCommand.RunAsync(null, "settings", "--names");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        var names = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), names);
        foreach (var key in new[] { "Management:AdminKeys:*", "Management:SigningKeyFile", "Management:Heartbeats:ForgetAfter",
                     "Management:Store:Provider", "Management:Store:Blob:ServiceUri", "Management:Store:S3:Prefix", "Logging:LogLevel:*",
                     "urls", "APPLICATIONINSIGHTS_CONNECTION_STRING" })
        {
            Assert.Contains(key, names);
        }
    }

    [Fact]
    public async Task Settings_BadOption_Exit2_BothBinaries()
    {
        Assert.Equal(2, (await GatewayCommand.RunAsync("settings", "--yaml")).ExitCode);
        Assert.Equal(2, (await PlaneCommand.RunAsync(null, "settings", "--yaml")).ExitCode);
    }

    [Fact]
    public async Task Gateway_ApplicationInsightsConnectionString_ExportLineAtStart_WithoutItsValue()
    {
        using var folder = new ConfigFolder();
        folder.Write("""{ "schemaVersion": 1, "revision": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:9"] } } ] }""");
        const string Secret = "InstrumentationKey=00000000-1111-2222-3333-444444444444;IngestionEndpoint=https://example.invalid/";
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: new Dictionary<string, string> { ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = Secret });
        await gateway.PrintedAsync("[440] Telemetry export: Azure Monitor (traces, metrics, logs to https://example.invalid)");
        Assert.DoesNotContain("00000000-1111", gateway.Output, StringComparison.Ordinal);
    }
}
