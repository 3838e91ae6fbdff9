using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// APIM's scope nesting through the AOT binary: global → product → API → operation, each scope's <c>base</c> placing the
/// enclosing scope's policies; a section written without <c>base</c> drops them, one not written inherits them.
/// </summary>
public sealed class ScopeOrderTests : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();
    private TestBackend backend = null!;
    private GatewayProcess gateway = null!;

    private static string Mark(string mark) => $$"""{ "type": "set-header", "name": "X-Order", "value": "{{mark}}", "existsAction": "append" }""";

    public async Task InitializeAsync()
    {
        backend = await TestBackend.StartAsync();
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "policies": { "inbound": [ {{Mark("global")}} ],
                            "outbound": [ { "type": "set-header", "name": "X-Global-Out", "value": "yes" } ] },
              "products": [ { "id": "gold", "apis": ["orders"], "policies": { "inbound": [ { "type": "base" }, {{Mark("product")}} ] } } ],
              "subscriptions": [ { "id": "alice", "scope": "products/gold", "primaryKey": "alice-key" } ],
              "apis": [ { "id": "orders", "path": "/orders", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
                "policies": { "inbound": [ {{Mark("api-before")}}, { "type": "base" }, {{Mark("api-after")}} ] },
                "operations": [
                  { "id": "get", "method": "GET", "urlTemplate": "/items/{id}",
                    "policies": { "inbound": [ { "type": "base" }, {{Mark("operation")}} ], "outbound": [] } },
                  { "id": "list", "method": "GET", "urlTemplate": "/items" } ] } ] }
            """);
        gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
    }

    public async Task DisposeAsync()
    {
        await gateway.DisposeAsync();
        await backend.DisposeAsync();
        folder.Dispose();
    }

    private async Task<(Echo Echo, HttpResponseMessage Response)> CallAsync(string path, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        }

        var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await Echo.ReadAsync(response), response);
    }

    [Fact]
    public async Task AllFourScopes_WithProductKey_RunInBaseOrder()
    {
        var (echo, response) = await CallAsync("/orders/items/7", "alice-key");
        using (response)
        {
            Assert.Equal("api-before,global,product,api-after,operation", echo.Headers["x-order"].Replace(" ", "", StringComparison.Ordinal));
            Assert.False(response.Headers.Contains("X-Global-Out")); // the operation's outbound, written empty, drops the outer ones
        }
    }

    [Fact]
    public async Task WithoutProduct_ProductScopeSkipped_OperationWithoutPolicies_InheritsEverything()
    {
        var (withoutKey, first) = await CallAsync("/orders/items/7");
        using (first)
        {
            Assert.Equal("api-before,global,api-after,operation", withoutKey.Headers["x-order"].Replace(" ", "", StringComparison.Ordinal));
        }

        var (list, second) = await CallAsync("/orders/items", "alice-key");
        using (second)
        {
            Assert.Equal("api-before,global,product,api-after", list.Headers["x-order"].Replace(" ", "", StringComparison.Ordinal));
            Assert.Equal("yes", second.Headers.GetValues("X-Global-Out").Single()); // no outbound written: inherited
        }
    }
}
