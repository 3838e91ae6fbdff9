using System.Net;
using System.Net.WebSockets;
using System.Text;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>Several destinations, active health checks, timeouts and WebSockets through the AOT binary.</summary>
public sealed class BackendTests : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();
    private TestBackend a = null!;
    private TestBackend b = null!;

    public async Task InitializeAsync()
    {
        a = await TestBackend.StartAsync("a");
        b = await TestBackend.StartAsync("b");
    }

    public async Task DisposeAsync()
    {
        await a.DisposeAsync();
        await b.DisposeAsync();
        folder.Dispose();
    }

    private async Task<List<string>> CallManyAsync(GatewayProcess gateway, int count, string path = "/lb/x")
    {
        var names = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var response = await gateway.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            names.Add((await Echo.ReadAsync(response)).Backend);
        }

        return names;
    }

    [Fact]
    public async Task RoundRobin_TwoDestinations_RequestsAlternate()
    {
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "lb", "path": "/lb", "subscriptionRequired": false,
              "backend": { "urls": ["{{a.Url}}", "{{b.Url}}"], "loadBalancing": "roundRobin" } } ] }
            """);
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);

        var names = await CallManyAsync(gateway, 20);

        Assert.Equal(10, names.Count(n => n == "a"));
        Assert.Equal(10, names.Count(n => n == "b"));
        Assert.All(names.Zip(names.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Theory]
    [InlineData("random")]
    [InlineData("leastRequests")]
    [InlineData("powerOfTwoChoices")]
    [InlineData("first")]
    public async Task OtherPolicies_ServeFromConfiguredDestinations(string policy)
    {
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "lb", "path": "/lb", "subscriptionRequired": false,
              "backend": { "urls": ["{{a.Url}}", "{{b.Url}}"], "loadBalancing": "{{policy}}" } } ] }
            """);
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);

        var names = await CallManyAsync(gateway, 40);

        Assert.All(names, n => Assert.Contains(n, new[] { "a", "b" }));
        if (policy == "first")
        {
            Assert.All(names, n => Assert.Equal("a", n));
        }
        else if (policy == "random")
        {
            Assert.Contains("a", names);
            Assert.Contains("b", names);
        }
    }

    [Fact]
    public async Task HealthCheck_FailingDestination_GetsNoTrafficUntilItRecovers()
    {
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "lb", "path": "/lb", "subscriptionRequired": false,
              "backend": { "urls": ["{{a.Url}}", "{{b.Url}}"],
                "healthCheck": { "path": "/health", "interval": "00:00:00.2", "timeout": "00:00:00.2", "unhealthyThreshold": 1, "healthyThreshold": 1 } } } ] }
            """);
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);

        b.Healthy = false;
        await gateway.EventuallyAsync(() => Task.FromResult(gateway.Output.Contains("failed its health check", StringComparison.Ordinal)), "b marked unhealthy");
        var whileDown = await CallManyAsync(gateway, 20);
        Assert.All(whileDown, n => Assert.Equal("a", n));

        b.Healthy = true;
        await gateway.EventuallyAsync(() => Task.FromResult(gateway.Output.Contains("is healthy again", StringComparison.Ordinal)), "b healthy again");
        var afterRecovery = await CallManyAsync(gateway, 20);
        Assert.Equal(10, afterRecovery.Count(n => n == "b"));
    }

    [Fact]
    public async Task Timeout_SlowBackend_504Json()
    {
        a.Delay = TimeSpan.FromSeconds(5);
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "slow", "path": "/slow", "subscriptionRequired": false,
              "backend": { "urls": ["{{a.Url}}"], "timeout": "00:00:00.5" } } ] }
            """);
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);

        using var response = await gateway.Client.GetAsync("/slow/x");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("\"statusCode\":504", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocket_Echo_ThroughGateway()
    {
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "ws", "path": "/ws", "subscriptionRequired": false, "backend": { "urls": ["{{a.Url}}"] } } ] }
            """);
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.Port}/ws/chat"), CancellationToken.None);
        var buffer = new byte[1024];
        foreach (var message in new[] { "hello", "through", "the gateway" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(message, Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Contains("/chat", a.Paths);
    }
}
