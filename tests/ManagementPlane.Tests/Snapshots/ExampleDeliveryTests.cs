using System.Text.Json;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Snapshots;
using ManagementPlane.State;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ManagementPlane.Tests.Snapshots;

/// <summary>
/// A gateway's snapshot carries only the operation examples its mock-response policies select (at operation, API,
/// product or global scope, inside choose too), and the named values referenced inside choose.
/// </summary>
public sealed class ExampleDeliveryTests : IAsyncLifetime
{
    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    private SnapshotCompiler Compiler => plane.Host.Services.GetRequiredService<SnapshotCompiler>();

    private const string Examples = """
        [ { "statusCode": 200, "contentType": "application/json", "body": "{\"ok\":1}" },
          { "statusCode": 200, "contentType": "text/plain", "body": "ok" },
          { "statusCode": 404, "contentType": "application/json", "body": "{\"missing\":1}" } ]
        """;

    /// <summary>
    /// API "mocked" (gw-a): mock-response (default 200) at operation "get"; "put" has none of its own. API "viaproduct"
    /// (gw-b): product "prod" mocks 404 inside a choose. API "unmocked" (gw-c): examples, no mock-response anywhere.
    /// </summary>
    private static ManagementState State(string global = "") => JsonSerializer.Deserialize($$$"""
        {
          "revision": 1,
          "apis": [
            { "id": "mocked", "path": "/mocked", "backend": { "urls": ["http://127.0.0.1:9"] },
              "operations": [
                { "id": "get", "method": "GET", "urlTemplate": "/", "examples": {{{Examples}}},
                  "policies": { "inbound": [ { "type": "mock-response" } ] } },
                { "id": "put", "method": "PUT", "urlTemplate": "/", "examples": {{{Examples}}} } ] },
            { "id": "viaproduct", "path": "/viaproduct", "backend": { "urls": ["http://127.0.0.1:9"] },
              "operations": [ { "id": "get", "method": "GET", "urlTemplate": "/", "examples": {{{Examples}}} } ] },
            { "id": "unmocked", "path": "/unmocked", "backend": { "urls": ["http://127.0.0.1:9"] },
              "policies": { "inbound": [ { "type": "choose", "when": [ { "condition": "true",
                "policies": [ { "type": "set-header", "name": "X-Nested", "value": "{{nested}}" } ] } ] } ] },
              "operations": [ { "id": "get", "method": "GET", "urlTemplate": "/", "examples": {{{Examples}}} } ] }
          ],
          "products": [
            { "id": "prod", "apis": ["viaproduct"], "policies": { "outbound": [ { "type": "choose",
              "when": [ { "condition": "@(context.Response.StatusCode == 404)", "policies": [ { "type": "mock-response", "statusCode": 404 } ] } ] } ] } }
          ],
          "namedValues": [ { "id": "nested", "value": "n" }, { "id": "unused", "value": "u" } ],
          {{{global}}}
          "gateways": [ { "id": "gw-a", "apis": ["mocked"] }, { "id": "gw-b", "apis": ["viaproduct"] }, { "id": "gw-c", "apis": ["unmocked"] } ]
        }
        """, StateJsonContext.Default.ManagementState)!;

    private Dictionary<string, string[]> Bodies(ManagementState state, string gateway) =>
        Compiler.Compile(state, state.Gateways.Single(g => g.Id == gateway), 1).Snapshot.Apis!
            .SelectMany(a => a!.Operations ?? [], (a, o) => ($"{a!.Id}/{o!.Id}", (o.Examples ?? []).Select(e => e.Body!).ToArray()))
            .ToDictionary(p => p.Item1, p => p.Item2);

    [Fact]
    public void Compile_MockAtOperationScope_OnlyThatOperationsSelectedExample()
    {
        var bodies = Bodies(State(), "gw-a");

        Assert.Equal(["{\"ok\":1}"], bodies["mocked/get"]);
        Assert.Empty(bodies["mocked/put"]);
    }

    [Fact]
    public void Compile_MockInsideChooseAtProductScope_TheProductsApisGetTheSelectedStatus()
    {
        Assert.Equal(["{\"missing\":1}"], Bodies(State(), "gw-b")["viaproduct/get"]);
    }

    [Fact]
    public void Compile_NoMockResponse_NoExamplesButNestedNamedValuesArrive()
    {
        var state = State();
        var snapshot = Compiler.Compile(state, state.Gateways.Single(g => g.Id == "gw-c"), 1).Snapshot;

        Assert.All(snapshot.Apis!.SelectMany(a => a!.Operations!), o => Assert.Null(o!.Examples));
        Assert.Equal(["nested"], snapshot.NamedValues!.Select(n => n!.Id));
        Assert.DoesNotContain("\"examples\"", System.Text.Encoding.UTF8.GetString(SnapshotReader.Serialize(snapshot)), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_GlobalMockWithContentType_EveryOperationGetsTheMatchingExampleOnly()
    {
        var state = State(global: """ "policies": { "onError": [ { "type": "mock-response", "contentType": "text/plain" } ] }, """);

        var bodies = Bodies(state, "gw-a");

        Assert.Equal(["{\"ok\":1}", "ok"], bodies["mocked/get"]);
        Assert.Equal(["ok"], bodies["mocked/put"]);
        Assert.Equal(["ok"], Bodies(state, "gw-c")["unmocked/get"]);
    }
}
