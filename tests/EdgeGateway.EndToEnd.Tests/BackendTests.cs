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
    [InlineData("first")]
    public async Task OtherPolicies_ServeFromConfiguredDestinations(string policy)
    {
        await using var gateway = await StartBalancedAsync(policy);

        var names = await CallManyAsync(gateway, 40);

        Assert.All(names, n => Assert.Contains(n, new[] { "a", "b" }));
        if (policy == "first")
        {
            Assert.All(names, n => Assert.Equal("a", n));
        }
        else
        {
            Assert.Contains("a", names);
            Assert.Contains("b", names);
        }
    }

    private async Task<GatewayProcess> StartBalancedAsync(string policy)
    {
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "lb", "path": "/lb", "subscriptionRequired": false,
              "backend": { "urls": ["{{a.Url}}", "{{b.Url}}"], "loadBalancing": "{{policy}}" } } ] }
            """);
        return await GatewayProcess.StartAsync(folder.ConfigFile);
    }

    /// <summary>Holds one request in flight on whichever destination takes it; returns that backend and the pending call.</summary>
    private async Task<(TestBackend Busy, TestBackend Idle, Task<HttpResponseMessage> Call)> HoldOneAsync(GatewayProcess gateway)
    {
        var call = gateway.Client.GetAsync("/lb/hold");
        await gateway.EventuallyAsync(() => Task.FromResult(a.Held + b.Held == 1), "one request held by a backend");
        return a.Held == 1 ? (a, b, call) : (b, a, call);
    }

    [Fact]
    public async Task LeastRequests_OneDestinationBusy_EveryNewRequestGoesToTheOther()
    {
        await using var gateway = await StartBalancedAsync("leastRequests");
        var (busy, idle, held) = await HoldOneAsync(gateway);

        var names = await CallManyAsync(gateway, 20);

        Assert.All(names, n => Assert.Equal(idle.Name, n));
        busy.ReleaseHeld();
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
    }

    [Fact]
    public async Task PowerOfTwoChoices_OneDestinationBusy_MostNewRequestsGoToTheOther()
    {
        await using var gateway = await StartBalancedAsync("powerOfTwoChoices");
        var (busy, idle, held) = await HoldOneAsync(gateway);

        // Two random picks of two destinations land both on the busy one a quarter of the time: expect ~150 of 200
        // on the idle one. Plain random would give ~100; 125 is more than 3.5 standard deviations from both.
        var names = await CallManyAsync(gateway, 200);

        Assert.InRange(names.Count(n => n == idle.Name), 125, 200);
        Assert.Contains(busy.Name, names);
        busy.ReleaseHeld();
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
    }

    [Fact]
    public async Task HealthCheck_FailingDestination_GetsNoTrafficUntilItRecovers()
    {
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "lb", "path": "/lb", "subscriptionRequired": false,
              "backend": { "urls": ["{{a.Url}}", "{{b.Url}}"],
                "healthCheck": { "path": "/health", "interval": "00:00:02", "timeout": "00:00:02", "unhealthyThreshold": 2, "healthyThreshold": 1 } } } ] }
            """);
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);

        // The log line about b, not any destination: a slow probe of a must not pass for b going down.
        bool Logged(string what) => gateway.Output.Split('\n').Any(l => l.Contains($"destination {b.Url} ", StringComparison.Ordinal) && l.Contains(what, StringComparison.Ordinal));

        b.Healthy = false;
        await gateway.EventuallyAsync(() => Task.FromResult(Logged("failed its health check")), "b marked unhealthy", 60);
        var whileDown = await CallManyAsync(gateway, 20);
        Assert.All(whileDown, n => Assert.Equal("a", n));

        b.Healthy = true;
        await gateway.EventuallyAsync(() => Task.FromResult(Logged("is healthy again")), "b healthy again", 60);
        var afterRecovery = await CallManyAsync(gateway, 20);
        Assert.Equal(10, afterRecovery.Count(n => n == "b"));
    }

    [Fact]
    public async Task HealthCheck_ConfigSwappedWhileDestinationDown_StillGetsNoTraffic()
    {
        folder.Write(HealthChecked(revision: 1, interval: "00:00:02"));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
        b.Healthy = false;
        await gateway.EventuallyAsync(() => Task.FromResult(gateway.Output.Contains($"destination {b.Url} failed", StringComparison.Ordinal)), "b marked unhealthy", 60);

        // A new revision with the same destinations (probed far less often now): b is still known to be down. Were it
        // reset to healthy, it would take traffic until two more probes, a minute apart, failed.
        folder.Write(HealthChecked(revision: 2, interval: "00:01:00"));
        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).GetProperty("revision").GetInt64() == 2, "revision 2 applied");

        var afterSwap = await CallManyAsync(gateway, 20);
        Assert.All(afterSwap, n => Assert.Equal("a", n));
    }

    [Fact]
    public async Task LeastRequests_ConfigSwappedWhileOneRequestHeld_NewRequestsStillAvoidTheBusyDestination()
    {
        await using var gateway = await StartBalancedAsync("leastRequests");
        var (busy, idle, held) = await HoldOneAsync(gateway);

        folder.Write($$"""
            { "schemaVersion": 1, "revision": 2, "apis": [ { "id": "lb", "path": "/lb", "subscriptionRequired": false,
              "backend": { "urls": ["{{a.Url}}", "{{b.Url}}"], "loadBalancing": "leastRequests", "timeout": "00:01:40" } } ] }
            """);
        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).GetProperty("revision").GetInt64() == 2, "revision 2 applied");

        // The held request still counts against its destination: a fresh count of zero would tie and send half here.
        var names = await CallManyAsync(gateway, 20);

        Assert.All(names, n => Assert.Equal(idle.Name, n));
        busy.ReleaseHeld();
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
    }

    private string HealthChecked(int revision, string interval) => $$"""
        { "schemaVersion": 1, "revision": {{revision}}, "apis": [ { "id": "lb", "path": "/lb", "subscriptionRequired": false,
          "backend": { "urls": ["{{a.Url}}", "{{b.Url}}"],
            "healthCheck": { "path": "/health", "interval": "{{interval}}", "timeout": "00:00:02", "unhealthyThreshold": 2, "healthyThreshold": 1 } } } ] }
        """;

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
