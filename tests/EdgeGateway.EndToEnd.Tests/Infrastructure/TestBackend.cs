using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real Kestrel backend on a loopback port. By default every request is answered with a JSON echo
/// of what arrived (method, path, query, headers, backend name); tests can switch health, add delay
/// or map their own endpoints.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication app;

    private TestBackend(WebApplication app, string name, int port)
    {
        this.app = app;
        Name = name;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<string> Paths { get; } = new();

    public int Hits => Paths.Count;

    /// <summary>What /health answers; flip it to make the gateway's active health check fail.</summary>
    public volatile bool Healthy = true;

    public TimeSpan Delay { get; set; }

    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int held;

    /// <summary>How many requests to a path ending in <c>/hold</c> are waiting here: in flight on purpose, until <see cref="ReleaseHeld"/>.</summary>
    public int Held => Volatile.Read(ref held);

    public void ReleaseHeld() => release.TrySetResult();

    public static async Task<TestBackend> StartAsync(string name = "backend", Action<WebApplication>? map = null, bool http2Only = false)
    {
        var port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port,
            o => o.Protocols = http2Only ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2));
        if (http2Only)
        {
            builder.Services.AddGrpc();
        }

        var app = builder.Build();
        var backend = new TestBackend(app, name, port);
        app.UseWebSockets();
        map?.Invoke(app);
        app.MapGet("/health", () => backend.Healthy ? Results.Ok("ok") : Results.StatusCode(503));
        app.Map("/{**rest}", backend.EchoAsync);
        await app.StartAsync();
        return backend;
    }

    private async Task EchoAsync(HttpContext context)
    {
        Paths.Enqueue(context.Request.Path + context.Request.QueryString);
        if (context.Request.Path.Value?.EndsWith("/hold", StringComparison.Ordinal) == true)
        {
            Interlocked.Increment(ref held);
            await release.Task.WaitAsync(context.RequestAborted);
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }

        if (context.WebSockets.IsWebSocketRequest)
        {
            await EchoWebSocketAsync(context);
            return;
        }

        string body;
        using (var reader = new StreamReader(context.Request.Body))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var echo = new Dictionary<string, object?>
        {
            ["backend"] = Name,
            ["method"] = context.Request.Method,
            ["path"] = context.Request.Path.Value,
            ["rawTarget"] = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget,
            ["query"] = context.Request.QueryString.Value,
            ["protocol"] = context.Request.Protocol,
            ["body"] = body,
            ["headers"] = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(echo), context.RequestAborted);
    }

    private static async Task EchoWebSocketAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
            {
                await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseHeld();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

public sealed record Echo(string Backend, string Method, string Path, string? Query, string Protocol, string Body, Dictionary<string, string> Headers)
{
    /// <summary>The request target exactly as it reached the backend (path and query, undecoded).</summary>
    public string? RawTarget { get; init; }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static async Task<Echo> ReadAsync(HttpResponseMessage response) =>
        JsonSerializer.Deserialize<Echo>(await response.Content.ReadAsStringAsync(), Options)!;
}
