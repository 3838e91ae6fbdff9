using System.Net;
using System.Net.Sockets;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>The rows of the timeout table in docs/configuration.md that a slow-answer test does not reach: silence mid-response, and a connect that hangs.</summary>
public sealed class BackendTimeoutTests : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();
    private TestBackend backend = null!;

    public async Task InitializeAsync() => backend = await TestBackend.StartAsync(map: app =>
    {
        // Headers out, then nothing: the gateway has not written anything to its client yet.
        app.MapGet("/after-headers", async (HttpContext context) =>
        {
            context.Response.ContentLength = 100;
            await context.Response.StartAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });

        // Half the body out, then nothing: the client has the response's start already.
        app.MapGet("/mid-body", async (HttpContext context) =>
        {
            context.Response.ContentLength = 100;
            await context.Response.Body.WriteAsync(new byte[50]);
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
    });

    public async Task DisposeAsync()
    {
        await backend.DisposeAsync();
        folder.Dispose();
    }

    private async Task<GatewayProcess> StartAsync(string url, string timeout)
    {
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "t", "path": "/t", "subscriptionRequired": false,
              "backend": { "urls": ["{{url}}"], "timeout": "{{timeout}}" } } ] }
            """);
        return await GatewayProcess.StartAsync(folder.ConfigFile);
    }

    [Fact]
    public async Task Timeout_BackendSilentAfterHeaders_504Json()
    {
        await using var gateway = await StartAsync(backend.Url, "00:00:01");

        using var response = await gateway.Client.GetAsync("/t/after-headers");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("\"statusCode\":504", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_BackendSilentMidBody_ClientConnectionAborted()
    {
        await using var gateway = await StartAsync(backend.Url, "00:00:01");

        using var response = await gateway.Client.GetAsync("/t/mid-body", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The 30 s client timeout is far beyond the 1 s backend timeout: only the gateway aborting ends this read early.
        await using var body = await response.Content.ReadAsStreamAsync();
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null).WaitAsync(TimeSpan.FromSeconds(25)));
    }

    [Fact]
    public async Task Connect_HangsPast15Seconds_504Json()
    {
        // A listener that never accepts, its queue filled: further connects get no answer at all.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            while (true)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await filler.ConnectAsync(IPAddress.Loopback, port, attempt.Token);
                }
                catch (OperationCanceledException)
                {
                    break; // this one hangs: the queue is full
                }

                Assert.True(fillers.Count < 100, "the listener's queue never filled");
            }

            // The backend timeout is longer than the 15 s connect timeout, so the connect is what gives up: a timeout, 504.
            await using var gateway = await StartAsync($"http://127.0.0.1:{port}", "00:01:00");

            using var response = await gateway.Client.GetAsync("/t/x").WaitAsync(TimeSpan.FromSeconds(50));

            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Contains("\"statusCode\":504", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }
}
