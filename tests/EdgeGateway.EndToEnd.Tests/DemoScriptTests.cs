using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>scripts/run.sh's outage drill, through its own subcommands, as its printed hints give it.</summary>
public sealed class DemoScriptTests
{
    [Fact]
    public async Task OutageDrill_PlaneStoppedGatewayRestarted_ServesFromBackupUntilThePlaneIsBack()
    {
        await using var demo = await DemoScript.StartAsync();
        Assert.Contains("kill $(cat", demo.Output, StringComparison.Ordinal);   // the drill is in the hints
        Assert.StartsWith("GatewayKey gw1&", demo.GatewayToken, StringComparison.Ordinal);   // the token, in its file
        await WalkthroughTests.AssertDemoWorksAsync(demo);
        await AssertPrintedPortalConsumerSignsInAsync(demo);
        var firstGateway = demo.Pid("gateway");

        // Stopping the plane stops only the plane.
        var (killed, killOutput) = await demo.BashAsync("kill $(cat artifacts/demo/management-plane.pid)");
        Assert.True(killed == 0, killOutput);
        await demo.EventuallyAsync(() => Task.FromResult(!DemoScript.IsAlive(demo.Pid("management-plane"))), "the plane has stopped");
        Assert.True(DemoScript.IsAlive(firstGateway), "the gateway stopped with the plane");
        Assert.Equal(HttpStatusCode.OK, await DemoCallAsync(demo));

        // A new gateway instance starts from its backup while the plane is down (fail static).
        var (restarted, restartOutput) = await demo.SubcommandAsync("gateway");
        Assert.True(restarted == 0, restartOutput);
        Assert.Contains("from backup:gateways/gw1/snapshots/", restartOutput, StringComparison.Ordinal);
        Assert.NotEqual(firstGateway, demo.Pid("gateway"));
        Assert.False(DemoScript.IsAlive(firstGateway));
        Assert.Equal(HttpStatusCode.OK, await DemoCallAsync(demo));
        var status = await StatusAsync(demo);
        Assert.StartsWith("backup:", status.GetProperty("configSource").GetString(), StringComparison.Ordinal);

        // The plane comes back; the gateway reconnects.
        var (back, backOutput) = await demo.SubcommandAsync("plane");
        Assert.True(back == 0, backOutput);
        await demo.EventuallyAsync(async () => (await StatusAsync(demo)).GetProperty("managementPlane").GetProperty("state").GetString() == "connected",
            "the restarted gateway reconnects to the plane", timeoutSeconds: 60);
        await WalkthroughTests.AssertDemoWorksAsync(demo);

        // Ctrl+C in run.sh's terminal stops every part, also those a subcommand restarted.
        var parts = new[] { demo.Pid("gateway"), demo.Pid("management-plane"), demo.Pid("echo-backend") };
        demo.Interrupt();
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.All(parts, pid => Assert.False(DemoScript.IsAlive(pid), $"pid {pid} still runs after Ctrl+C"));
    }

    /// <summary>The portal URL and consumer account run.sh prints: the account signs in with the printed password.</summary>
    private static async Task AssertPrintedPortalConsumerSignsInAsync(DemoScript demo)
    {
        var printed = Regex.Match(demo.Output, @"developer portal: (http://\S+)/portal +sign in as (\S+), password (\S+)");
        Assert.True(printed.Success, "no portal line in:\n" + demo.Output);
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(printed.Groups[1].Value) };
        var page = await browser.GetStringAsync("/portal/signin");
        var fields = new Dictionary<string, string> { ["email"] = printed.Groups[2].Value, ["password"] = printed.Groups[3].Value };
        foreach (Match input in Regex.Matches(page, "<input[^>]*type=\"hidden\"[^>]*>"))
        {
            var name = Regex.Match(input.Value, "name=\"([^\"]*)\"").Groups[1].Value;
            fields[name] = System.Net.WebUtility.HtmlDecode(Regex.Match(input.Value, "value=\"([^\"]*)\"").Groups[1].Value);
        }

        using var signIn = await browser.PostAsync("/portal/signin", new FormUrlEncodedContent(fields));
        Assert.True(signIn.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther, $"sign-in answered {(int)signIn.StatusCode}: {await signIn.Content.ReadAsStringAsync()}");
        var location = signIn.Headers.Location!;
        Assert.Equal("/portal/subscriptions", location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString);
        using var subscriptions = await browser.GetAsync("/portal/subscriptions");
        Assert.Contains("My subscriptions", await subscriptions.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> DemoCallAsync(DemoScript demo)
    {
        using var call = new HttpRequestMessage(HttpMethod.Get, "/echo/items/42");
        call.Headers.Add("Ocp-Apim-Subscription-Key", "demo-key-change-me");
        using var response = await demo.Gateway.SendAsync(call);
        return response.StatusCode;
    }

    private static async Task<JsonElement> StatusAsync(DemoScript demo) =>
        JsonDocument.Parse(await demo.Admin.GetStringAsync("/status-0123456789abcdef")).RootElement;
}
