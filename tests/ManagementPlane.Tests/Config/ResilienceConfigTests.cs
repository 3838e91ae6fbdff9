using System.Text.Json.Nodes;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Sync;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Config;

/// <summary>A backend's circuitBreaker and the retry policies travel from the plane's config to the gateway's snapshot; what a gateway refuses, the plane refuses.</summary>
public sealed class ResilienceConfigTests : IAsyncLifetime
{
    private const string Document = """
        { "schemaVersion": 1,
          "apis": [ { "id": "echo", "path": "/echo",
                      "backend": { "urls": ["http://127.0.0.1:9"], "circuitBreaker": { "failureCount": 4, "tripDuration": "00:00:15", "failureStatusCodes": [502, 503] } },
                      "policies": { "backend": [ { "type": "forward-request", "timeout": 20, "bufferRequestBody": true },
                                                 { "type": "retry", "condition": "@(context.Response.StatusCode == 503)", "count": 2, "interval": 1 } ] } } ],
          "gateways": [ { "id": "gw1", "apis": ["echo"] } ] }
        """;

    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Fact]
    public async Task PutConfig_CircuitBreakerAndRetry_ReachTheGatewaysSnapshot()
    {
        await plane.PutOkAsync("/config", Document);
        var token = await plane.TokenAsync("gw1");

        using var request = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath("gw1"));
        request.Headers.TryAddWithoutValidation("Authorization", token);
        using var response = await plane.Anonymous.SendAsync(request);
        var snapshot = SnapshotReader.Parse(SignedSnapshot.ReadPayloadUnverified(await response.Content.ReadAsByteArrayAsync())!).Snapshot!;

        var breaker = snapshot.Apis![0].Backend!.CircuitBreaker!;
        Assert.Equal(4, breaker.FailureCount);
        Assert.Equal(TimeSpan.FromSeconds(15), breaker.TripDuration);
        Assert.Equal([502, 503], breaker.FailureStatusCodes);
        Assert.Equal(["forward-request", "retry"], snapshot.Apis[0].Policies!.Backend!.Select(p => p!.Type));
    }

    [Fact]
    public async Task PutConfig_BadCircuitBreakerAndRetry_400WithTheGatewaysPaths()
    {
        var bad = JsonNode.Parse(Document)!;
        bad["apis"]![0]!["backend"]!["circuitBreaker"]!["failureCount"] = 0;
        bad["apis"]![0]!["policies"]!["backend"]![1]!["count"] = 51;

        var problem = await Problem.AssertAsync(await plane.PutAsync("/config", bad.ToJsonString()), 400);

        var paths = Problem.ErrorPaths(problem).ToList();
        Assert.Contains("apis[0].backend.circuitBreaker.failureCount", paths);
        Assert.Contains("apis[0].policies.backend[1].count", paths);
    }
}
