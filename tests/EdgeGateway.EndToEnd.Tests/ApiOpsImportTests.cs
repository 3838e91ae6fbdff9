using System.Net;
using System.Text;
using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// An APIOps extract (the sample of ManagementPlane.Tests, its backend URLs pointed at a real backend) imported with the
/// published plane's <c>import-apiops</c>, served by the published gateway of the imported gateway assignment: the
/// global, fragment, named-value, operation and rate-limit policies run there, and the answers a client of APIM checks
/// (401 and 429 bodies, the status endpoint) are APIM's.
/// </summary>
public sealed class ApiOpsImportTests : PlaneFixture
{
    private const string KeyHeader = "Ocp-Apim-Subscription-Key";

    private string CopySample()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "apiops-sample");
        var target = Path.Combine(Folder.Path, "apiops");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var path = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, File.ReadAllText(file).Replace("http://127.0.0.1:9", Backend.Url, StringComparison.Ordinal));
        }

        return target;
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> ImportAsync(params string[] args) =>
        GatewayCommand.RunExecutableAsync(ManagementPlaneProcess.Executable,
            new Dictionary<string, string> { ["MANAGEMENT_ADMIN_KEY"] = ManagementPlaneProcess.AdminKey },
            ["import-apiops", .. args, "--url", Plane.Url]);

    [Fact]
    public async Task ImportApiOps_DryRunThenImport_GatewayEnforcesTheImportedPolicies()
    {
        var folder = CopySample();
        var values = Path.Combine(Folder.Path, "named-values.json");
        await File.WriteAllTextAsync(values, """{ "partner-secret": "s3cret-from-key-vault" }""");

        var (refusedCode, refused, _) = await ImportAsync(folder, "--dry-run");
        Assert.True(refusedCode == 4, refused);
        Assert.Contains("refused  namedValue partner-secret", refused, StringComparison.Ordinal);

        var (dryCode, dryJson, _) = await ImportAsync(folder, "--dry-run", "--json", "--named-values", values);
        Assert.True(dryCode == 3, dryJson);
        using (var report = JsonDocument.Parse(dryJson))
        {
            Assert.Equal(0, report.RootElement.GetProperty("summary").GetProperty("refused").GetInt32());
            Assert.False(report.RootElement.GetProperty("applied").GetBoolean());
        }

        var (code, output, error) = await ImportAsync(folder, "--named-values", values);
        Assert.True(code == 3, output + error);
        Assert.Contains("Applied as revision", output, StringComparison.Ordinal);
        Assert.Contains("Changes (+ added, ~ replaced): apis +inventory +orders;", output, StringComparison.Ordinal);

        using (var subscription = await Plane.Admin.PutAsync("/subscriptions/alice", new StringContent(
            """{ "scope": "products/starter", "primaryKey": "alice-key", "state": "active" }""", Encoding.UTF8, "application/json")))
        {
            Assert.True(subscription.IsSuccessStatusCode, await subscription.Content.ReadAsStringAsync());
        }

        await using var gateway = await GatewayProcess.StartAsync("", env: await Plane.GatewayEnvironmentAsync("onprem-dc1"));

        // The orders API: global policy, the fragment its policy includes, and a named value, all at the gateway.
        await gateway.EventuallyAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/orders");
            request.Headers.Add(KeyHeader, "alice-key");
            using var response = await gateway.Client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            var echo = await Echo.ReadAsync(response);
            return echo.Path == "/orders/orders" && echo.Headers.GetValueOrDefault("x-edge") == "edgegateway"
                && echo.Headers.GetValueOrDefault("x-imported-by") == "apiops" && echo.Headers.GetValueOrDefault("x-backend-token") == "t0ken-from-apim";
        }, "the imported orders API, its policies applied");

        // The inventory API forwards where its set-backend-service backend-id pointed (the backend's URL).
        using (var inventory = await gateway.Client.GetAsync("/inventory/items"))
        {
            Assert.Equal(HttpStatusCode.OK, inventory.StatusCode);
            Assert.Equal("/inventory/items", (await Echo.ReadAsync(inventory)).Path);
        }

        // An operation policy answering itself (return-response), with the key as the query parameter APIM uses.
        using (var order = await gateway.Client.GetAsync("/orders/orders/42?subscription-key=alice-key"))
        {
            Assert.Equal(HttpStatusCode.OK, order.StatusCode);
            Assert.Equal("""{"id":"42","status":"shipped"}""", await order.Content.ReadAsStringAsync());
        }

        // APIM's 401 body.
        using (var missing = await gateway.Client.GetAsync("/orders/orders"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            using var body = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
            Assert.Equal(401, body.RootElement.GetProperty("statusCode").GetInt32());
            Assert.StartsWith("Access denied due to missing subscription key.", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // The operation's rate-limit (2 calls per subscription) and APIM's 429 body.
        var statuses = new List<HttpStatusCode>();
        string? limited = null;
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/orders/orders") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            request.Headers.Add(KeyHeader, "alice-key");
            using var response = await gateway.Client.SendAsync(request);
            statuses.Add(response.StatusCode);
            limited = await response.Content.ReadAsStringAsync();
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
        using (var body = JsonDocument.Parse(limited!))
        {
            Assert.Equal(429, body.RootElement.GetProperty("statusCode").GetInt32());
            Assert.StartsWith("Rate limit is exceeded. Try again in ", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        using var status = await gateway.Client.GetAsync("/status-0123456789abcdef");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }
}
