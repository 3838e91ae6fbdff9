using System.Net;
using System.Text;
using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>Two management-plane processes on one store: concurrent writes through both, none lost.</summary>
public sealed class SharedStoreTests
{
    [Fact]
    public async Task TwoPlanesOneStore_ConcurrentWrites_NoneLost_GatewaySeesAll()
    {
        using var folder = new ConfigFolder();
        await using var backend = await TestBackend.StartAsync();
        await using var first = await ManagementPlaneProcess.StartAsync(folder.Path);
        await using var second = await ManagementPlaneProcess.StartAsync(folder.Path);
        await first.ApplyAsync(HybridSyncTests.Config(backend.Url, "gw1", ("seed", "/seed")));

        // 40 APIs created at once, alternating planes, each assigned to the gateway: every write races another.
        var writes = Enumerable.Range(0, 40).Select(async i =>
        {
            var plane = i % 2 == 0 ? first : second;
            using var put = await plane.Admin.PutAsync($"/apis/api{i}", new StringContent(
                $$"""{ "path": "/api{{i}}", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] } }""", Encoding.UTF8, "application/json"));
            Assert.True(put.IsSuccessStatusCode, $"api{i}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
            using var assign = await plane.Admin.PutAsync($"/gateways/gw1/apis/api{i}", null);
            Assert.True(assign.IsSuccessStatusCode, $"assign api{i}: {(int)assign.StatusCode} {await assign.Content.ReadAsStringAsync()}");
        });
        await Task.WhenAll(writes);

        foreach (var plane in new[] { first, second })
        {
            var apis = JsonDocument.Parse(await plane.Admin.GetStringAsync("/apis")).RootElement.GetProperty("value");
            Assert.Equal(41, apis.GetArrayLength());
        }

        // A gateway synced from the second plane serves every one of them.
        await using var gateway = await GatewayProcess.StartAsync("", env: await second.GatewayEnvironmentAsync("gw1"));
        await gateway.EventuallyAsync(async () =>
        {
            foreach (var i in Enumerable.Range(0, 40))
            {
                if ((await gateway.Client.GetAsync($"/api{i}/x")).StatusCode != HttpStatusCode.OK)
                {
                    return false;
                }
            }

            return true;
        }, "all 40 APIs served");
    }
}
