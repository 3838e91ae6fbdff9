namespace ManagementPlane.Tests.Aot;

/// <summary>
/// The AOT plane reads APPLICATIONINSIGHTS_CONNECTION_STRING (the cloud templates set it): one Information line at start
/// says which exporters are on, never the value; without any exporter, no such line.
/// </summary>
public sealed class PublishedPlaneTelemetryNoticeTests
{
    private const string Notice = "Telemetry export: Azure Monitor (traces, metrics, logs to https://example.invalid)";

    [Fact]
    public async Task ConnectionStringSet_NotedAtStart_WithoutItsValue()
    {
        const string value = "InstrumentationKey=00000000-1111-2222-3333-444444444444;IngestionEndpoint=https://example.invalid/";
        await using var plane = new PublishedPlane(new Dictionary<string, string?> { ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = value });
        await plane.InitializeAsync();
        Assert.True(await plane.PrintedAsync(Notice), plane.Output);
        Assert.Contains("[1400]", plane.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("00000000-1111", plane.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionStringUnset_NoNotice()
    {
        await using var plane = new PublishedPlane(new Dictionary<string, string?> { ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "" });
        await plane.InitializeAsync();
        using var client = new HttpClient { BaseAddress = plane.BaseAddress };
        Assert.Equal("ready", await client.GetStringAsync("/healthz/ready")); // started and serving: the notice would be out by now
        Assert.DoesNotContain("Telemetry export", plane.Output, StringComparison.Ordinal);
    }
}
