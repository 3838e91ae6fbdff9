using System.Text.Json.Nodes;
using ManagementPlane.State;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
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
    public async Task Ready_Answers503UntilTheStateIsLoaded_Then200_ThroughTheEndpoint()
    {
        // The plane loads before it listens, so a running host's own loader is always loaded. Requests here see a
        // loader of their own that has not loaded yet (as while a slow store is read at start), swapped in ahead of
        // routing; the route, the handler and its answer are the plane's own.
        var unloaded = ActivatorUtilities.CreateInstance<StartupLoader>(plane.Host.Services);
        await using var swapped = await TestPlane.StartAsync(services: s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new SwapLoader(unloaded)));

        var before = await swapped.Anonymous.GetAsync("/healthz/ready");
        Assert.Equal(503, (int)before.StatusCode);
        Assert.StartsWith("not ready", await before.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(before.Headers.CacheControl?.NoStore);
        Assert.Equal(200, (int)(await swapped.Anonymous.GetAsync("/healthz/live")).StatusCode);

        await unloaded.LoadAsync(CancellationToken.None);
        var after = await swapped.Anonymous.GetAsync("/healthz/ready");
        Assert.Equal(200, (int)after.StatusCode);
        Assert.Equal("ready", await after.Content.ReadAsStringAsync());
    }

    /// <summary>Gives every request a service provider whose <see cref="StartupLoader"/> is <paramref name="loader"/>.</summary>
    private sealed class SwapLoader(StartupLoader loader) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, inner) =>
            {
                context.RequestServices = new Provider(context.RequestServices, loader);
                return inner(context);
            });
            next(app);
        };

        private sealed class Provider(IServiceProvider services, StartupLoader loader) : IServiceProvider
        {
            public object? GetService(Type serviceType) => serviceType == typeof(StartupLoader) ? loader : services.GetService(serviceType);
        }
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
