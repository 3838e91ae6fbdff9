using System.Text.Json.Nodes;
using ManagementPlane.State;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ManagementPlane.Tests.Hosting;

/// <summary><c>/healthz/live</c> and <c>/healthz/ready</c>: anonymous probes, ready only once the state is loaded.</summary>
public sealed class HealthEndpointsTests : IAsyncLifetime
{
    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Theory]
    [InlineData("/healthz/live", "live")]
    [InlineData("/healthz/ready", "ready")]
    public async Task Probe_WithoutAdminKey_Answers200PlainText_NotCached(string path, string body)
    {
        var response = await plane.Anonymous.GetAsync(path);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Ready_ReflectsWhetherTheStartupLoaderHasLoaded()
    {
        // A loader that has not loaded yet (as while a store is slow at start) is not ready; once loaded, it is.
        var loader = ActivatorUtilities.CreateInstance<StartupLoader>(plane.Host.Services);
        Assert.False(loader.IsLoaded);
        await loader.LoadAsync(CancellationToken.None);
        Assert.True(loader.IsLoaded);
        Assert.True(plane.Host.Services.GetRequiredService<StartupLoader>().IsLoaded);
    }

    [Fact]
    public async Task OpenApiDocument_ListsBothProbes_WithoutSecurity()
    {
        var paths = JsonNode.Parse(await plane.Anonymous.GetStringAsync("/openapi/v1.json"))!["paths"]!;
        foreach (var path in new[] { "/healthz/live", "/healthz/ready" })
        {
            var get = paths[path]?["get"];
            Assert.NotNull(get);
            Assert.Null(get["security"]);
        }
    }
}
