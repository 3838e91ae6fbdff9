using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests.Telemetry;

/// <summary>
/// A malformed exporter setting stops the AOT binaries at start with exit code 1 and a message naming the setting
/// (never the connection string's value), instead of a crash or exporting nowhere in silence.
/// </summary>
public sealed class TelemetrySettingsTests
{
    [Theory]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "IngestionEndpoint=http://127.0.0.1:9/;secret-part=abc123")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=k;IngestionEndpoint=ingest.example")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "otel-collector:4318")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "/v1/traces")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")]
    [InlineData("Telemetry__Prometheus__Enabled", "yes")]
    [InlineData("Telemetry__ShutdownTimeout", "soon")]
    [InlineData("Telemetry__RecordFromFirstRequest", "first")]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS", "authorization Bearer abc123")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "user:abc123@collector:4318")]
    [InlineData("OTEL_BSP_MAX_QUEUE_SIZE", "100")]
    [InlineData("OTEL_BLRP_MAX_QUEUE_SIZE", "100")]
    public async Task Gateway_MalformedSetting_Exit1NamingIt(string variable, string value)
    {
        using var folder = new ConfigFolder();
        folder.Write("""{ "schemaVersion": 1, "apis": [] }""");
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, env: new Dictionary<string, string> { [variable] = value });
        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(variable.Replace("__", ":", StringComparison.Ordinal), gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", gateway.Output, StringComparison.Ordinal); // a message, not a stack trace
    }

    [Fact]
    public async Task Plane_MalformedSetting_Exit1NamingIt()
    {
        using var folder = new ConfigFolder();
        var (exitCode, _, stderr) = await PlaneCommand.RunAsync(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json",
            ["Management__AdminKeys__0"] = ManagementPlaneProcess.AdminKey,
            ["Management__Store__Disk__Path"] = folder.Path,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Ports.Free()}",
        });
        Assert.Equal(1, exitCode);
        Assert.Contains("OTEL_EXPORTER_OTLP_PROTOCOL", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SdkDisabled_NothingExported_AndSaidSo()
    {
        using var folder = new ConfigFolder();
        folder.Write("""{ "schemaVersion": 1, "apis": [] }""");
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, ["--Telemetry:Prometheus:Enabled=true"],
            new Dictionary<string, string> { ["OTEL_SDK_DISABLED"] = "true", ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" });
        await gateway.PrintedAsync("[440] Telemetry export: none (OTEL_SDK_DISABLED=true)");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await gateway.Admin.GetAsync("/metrics")).StatusCode);
    }
}
