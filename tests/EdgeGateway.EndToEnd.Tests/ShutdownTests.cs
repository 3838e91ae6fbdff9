using System.Net;
using System.Net.Sockets;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Sigterm_UnderLoad_InFlightRequestsCompleteAndExitCodeIsZero()
    {
        using var folder = new ConfigFolder();
        await using var backend = await TestBackend.StartAsync();
        backend.Delay = TimeSpan.FromMilliseconds(1500);
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "slow", "path": "/slow", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] } } ] }
            """);
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);

        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        var inFlight = Enumerable.Range(0, 30).Select(i => client.GetAsync($"/slow/{i}")).ToList();
        await gateway.EventuallyAsync(() => Task.FromResult(backend.Hits >= 30), "all 30 requests reached the backend");

        gateway.SendSigterm();
        var responses = await Task.WhenAll(inFlight);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Loopback, gateway.Port));
    }
}
