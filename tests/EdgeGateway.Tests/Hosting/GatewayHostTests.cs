using System.Net;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.Tests.Hosting;

/// <summary>
/// In-process HTTP tests (Alba) of the gateway's own composition root, with a real Kestrel backend.
/// Settings reach Program through environment variables, so these run one at a time.
/// </summary>
[Collection(nameof(EnvironmentSensitive))]
public sealed class GatewayHostTests : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("eg-alba-").FullName;
    private WebApplication backend = null!;
    private IAlbaHost host = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        backend = builder.Build();
        backend.Map("/{**rest}", (HttpContext c) => Results.Text($"backend saw {c.Request.Path}{c.Request.QueryString}"));
        await backend.StartAsync();
        var backendUrl = backend.Urls.First();

        var config = Path.Combine(folder, "gateway.json");
        await File.WriteAllTextAsync(config, $$"""
            { "schemaVersion": 1, "revision": 12,
              "apis": [ { "id": "inv", "path": "/inventory", "backend": { "urls": ["{{backendUrl}}/v2"] } } ],
              "subscriptions": [ { "id": "s", "scope": "apis/inv", "primaryKey": "k-123" } ] }
            """);
        Environment.SetEnvironmentVariable("Gateway__ConfigFile", config);
        host = await AlbaHost.For<Program>();
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable("Gateway__ConfigFile", null);
        await host.DisposeAsync();
        await backend.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Ready_WithValidConfig_200()
    {
        await host.Scenario(s =>
        {
            s.Get.Url("/healthz/ready");
            s.StatusCodeShouldBeOk();
            s.ContentShouldBe("ready");
        });
    }

    [Fact]
    public async Task Status_OnThePublicListener_IsAnEmpty200()
    {
        // The full JSON (file paths, URLs, errors) is only on Gateway:AdminUrls; RoutingTests reads it there.
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/status-0123456789abcdef");
            s.StatusCodeShouldBeOk();
        });

        Assert.Equal("", await result.ReadAsTextAsync());
    }

    [Fact]
    public async Task KeyedApi_WithoutKey_401Json()
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/inventory/items");
            s.StatusCodeShouldBe(HttpStatusCode.Unauthorized);
            s.ContentTypeShouldBe("application/json; charset=utf-8");
        });

        Assert.Contains("missing subscription key", await result.ReadAsTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyedApi_WithKey_ForwardsToBackendPathWithoutKey()
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/inventory/items?subscription-key=k-123&page=2");
            s.StatusCodeShouldBeOk();
        });

        Assert.Equal("backend saw /v2/items?page=2", await result.ReadAsTextAsync());
    }

    [Fact]
    public async Task UnknownPath_404Json()
    {
        await host.Scenario(s =>
        {
            s.Get.Url("/nowhere");
            s.StatusCodeShouldBe(HttpStatusCode.NotFound);
            s.ContentShouldContain("\"statusCode\":404");
        });
    }
}

[CollectionDefinition(nameof(EnvironmentSensitive), DisableParallelization = true)]
public sealed class EnvironmentSensitive;
