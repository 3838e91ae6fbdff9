using System.Text.Json.Nodes;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ManagementPlane.Tests.Hosting;

public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Fact]
    public async Task OpenApiDocument_PathsAndMethods_MatchMappedEndpoints()
    {
        var document = JsonNode.Parse(await plane.Anonymous.GetStringAsync("/openapi/v1.json"))!;
        var documented = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, _) in item!.AsObject())
            {
                if (method is not ("parameters" or "summary" or "description" or "servers"))
                {
                    documented.Add($"{method.ToUpperInvariant()} {path}");
                }
            }
        }

        var mapped = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in plane.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (route == "/openapi/{documentName}.json")
            {
                continue;
            }

            // The developer portal's pages (HTML for browsers, not the management API); /portal-settings is API and stays.
            if (route == "/portal" || route.StartsWith("/portal/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                mapped.Add($"{method} {route}");
            }
        }

        Assert.True(mapped.Count > 30, $"only {mapped.Count} endpoints mapped");
        Assert.Equal(mapped, documented);
    }

    [Fact]
    public async Task OpenApiDocument_Security_NamesTheCredentialOfEachEndpoint()
    {
        var document = JsonNode.Parse(await plane.Anonymous.GetStringAsync("/openapi/v1.json"))!;
        Assert.NotNull(document["components"]!["securitySchemes"]!["AdminKey"]);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var schemes = operation!["security"]?.AsArray().SelectMany(r => r!.AsObject().Select(p => p.Key)).ToList() ?? [];
                var expected = path is "/signing-key" or "/healthz/live" or "/healthz/ready" ? [] : path.StartsWith("/gateway/v1/", StringComparison.Ordinal) ? ["GatewayToken"] : new List<string> { "AdminKey" };
                Assert.True(expected.SequenceEqual(schemes), $"{method} {path}: {string.Join(",", schemes)}");
            }
        }
    }
}
