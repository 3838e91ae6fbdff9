using EdgeGateway.Contracts.Sync;
using ManagementPlane.Hosting;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ManagementPlane.Tests.Sync;

/// <summary>What <c>GET /gateways/{id}/status</c> says about instances, and the retention settings behind it.</summary>
public sealed class HeartbeatStatusTests
{
    private static async Task BeatAsync(TestPlane plane, string token, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, SyncProtocol.HeartbeatPath("gw1")) { Content = TestPlane.Json(body) };
        request.Headers.TryAddWithoutValidation("Authorization", token);
        Assert.Equal(204, (int)(await plane.Anonymous.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Status_LastHeartbeatSaidStopping_ShowsStopped()
    {
        await using var plane = await TestPlane.StartAsync();
        var token = await plane.SeedGatewayAsync();
        await BeatAsync(plane, token, """{"instanceId":"running","lastSyncError":"HTTP 503"}""");
        await BeatAsync(plane, token, """{"instanceId":"said-goodbye","stopping":true,"lastSyncError":"HTTP 503"}""");
        await BeatAsync(plane, token, """{"instanceId":"older-gateway","lastSyncError":"stopping"}""");

        var instances = (await plane.GetJsonAsync("/gateways/gw1/status"))["instances"]!.AsArray().ToDictionary(i => i!["instanceId"]!.GetValue<string>());

        Assert.Equal("current", instances["running"]!["state"]!.GetValue<string>());
        Assert.Equal("stopped", instances["said-goodbye"]!["state"]!.GetValue<string>());
        Assert.Equal("HTTP 503", instances["said-goodbye"]!["lastSyncError"]!.GetValue<string>());
        Assert.Equal("stopped", instances["older-gateway"]!["state"]!.GetValue<string>());
        Assert.Null(instances["older-gateway"]!["lastSyncError"]);
    }

    [Theory]
    [InlineData("Management:Heartbeats:ForgetAfter", "00:02:00")]
    [InlineData("Management:Heartbeats:MaxInstancesPerGateway", "0")]
    public void Options_RetentionOutOfRange_FailNamingTheSetting(string setting, string value)
    {
        // The registration the host uses: bound from configuration, validated when first read (at start).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Management:AdminKeys:0"] = TestPlane.AdminKey,
            [setting] = value,
        }).Build();
        using var services = new ServiceCollection().AddManagementOptions(configuration).BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ManagementOptions>>().Value);

        Assert.Contains(setting, Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_RetentionDefaults_AreValid()
    {
        var options = new ManagementOptions { AdminKeys = [TestPlane.AdminKey] };

        Assert.Empty(options.Validate());
        Assert.Equal(TimeSpan.FromDays(1), options.Heartbeats.ForgetAfter);
        Assert.Equal(100, options.Heartbeats.MaxInstancesPerGateway);
    }
}
