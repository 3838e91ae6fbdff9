using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// docs/management-api.md's walkthrough, run as written against the demo of scripts/run.sh: every shell block marked
/// <c>&lt;!-- walkthrough --&gt;</c> succeeds, and the demo still works afterwards.
/// </summary>
public sealed partial class WalkthroughTests
{
    private const string Marker = "<!-- walkthrough -->";

    /// <summary>The demo's call from README.md and run.sh's hints.</summary>
    private const string DemoKey = "demo-key-change-me";

    [Fact]
    public async Task ManagementApiWalkthrough_AgainstRunningDemo_EveryCommandSucceedsAndTheDemoKeepsWorking()
    {
        await using var demo = await DemoScript.StartAsync();
        await AssertDemoWorksAsync(demo);

        // Exactly the docs' text; only the demo's default ports become this run's. A failing curl fails the script
        // and shows the problem the plane answered.
        var script = new StringBuilder("""
            set -euo pipefail
            curl() { command curl --fail-with-body "$@"; }
            trap 'echo "FAILED: $BASH_COMMAND" >&2' ERR

            """);
        var blocks = WalkthroughBlocks();
        Assert.True(blocks.Count >= 8, $"only {blocks.Count} shell blocks marked {Marker} in docs/management-api.md");
        foreach (var block in blocks)
        {
            script.AppendLine(block
                .Replace("127.0.0.1:5000", $"127.0.0.1:{demo.PlanePort}", StringComparison.Ordinal)
                .Replace("127.0.0.1:5099", $"127.0.0.1:{demo.BackendPort}", StringComparison.Ordinal)
                .Replace("127.0.0.1:8080", $"127.0.0.1:{demo.GatewayPort}", StringComparison.Ordinal)
                .Replace("127.0.0.1:9090", $"127.0.0.1:{demo.AdminPort}", StringComparison.Ordinal));
        }

        var (code, output) = await demo.BashAsync(script.ToString());

        Assert.True(code == 0, $"the walkthrough failed (exit {code}):\n{output}\n--- script ---\n{script}");
        Assert.Contains("GatewayKey gw2&", output, StringComparison.Ordinal);       // the token it issued
        Assert.Contains("\"gatewayId\":\"gw1\"", output, StringComparison.Ordinal);  // the confirmation, read with the demo's token
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{demo.PlanePort}") };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", demo.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/apis/petstore")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/gateways/gw2")).StatusCode);

        await AssertDemoWorksAsync(demo);
    }

    /// <summary>
    /// The demo as a user checks it: the gateway has caught up with the plane's newest revision for gw1, answers the
    /// demo's call with its key, and its token is still accepted by the plane.
    /// </summary>
    internal static async Task AssertDemoWorksAsync(DemoScript demo)
    {
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{demo.PlanePort}"), Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", demo.AdminKey);
        long latest = 0;
        await demo.EventuallyAsync(async () =>
        {
            latest = JsonDocument.Parse(await admin.GetStringAsync("/gateways/gw1/status")).RootElement.GetProperty("latestRevision").GetInt64();
            var status = JsonDocument.Parse(await demo.Admin.GetStringAsync("/status-0123456789abcdef")).RootElement;
            return status.GetProperty("revision").GetInt64() == latest;
        }, "the demo gateway serves the plane's newest revision for gw1");

        using var call = new HttpRequestMessage(HttpMethod.Get, "/echo/items/42");
        call.Headers.Add("Ocp-Apim-Subscription-Key", DemoKey);
        using var response = await demo.Gateway.SendAsync(call);
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"the demo's call answered {(int)response.StatusCode} at revision {latest}: {await response.Content.ReadAsStringAsync()}");

        using var snapshot = new HttpRequestMessage(HttpMethod.Get, "/gateway/v1/gateways/gw1/snapshot");
        snapshot.Headers.TryAddWithoutValidation("Authorization", demo.GatewayToken);
        using var answer = await admin.SendAsync(snapshot);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"gw1's token: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
    }

    /// <summary>Every <c>```sh</c> block right after a <c>&lt;!-- walkthrough --&gt;</c> line, in document order.</summary>
    private static List<string> WalkthroughBlocks()
    {
        var text = File.ReadAllText(Path.Combine(GatewayBinary.RepoRoot, "docs", "management-api.md"));
        return MarkedBlock().Matches(text).Select(m => m.Groups["body"].Value).ToList();
    }

    [GeneratedRegex(@"^<!-- walkthrough -->\r?\n```sh\r?\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex MarkedBlock();
}
