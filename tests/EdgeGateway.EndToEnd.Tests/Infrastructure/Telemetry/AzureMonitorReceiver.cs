using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

/// <summary>
/// A stand-in for Application Insights' ingestion endpoint, in the test process: point a connection string's
/// <c>IngestionEndpoint</c> here (<see cref="ConnectionString"/>). The Azure Monitor exporter POSTs batches to
/// <c>/v2.1/track</c> as newline-delimited JSON (gzip when Content-Encoding says so, or when the body starts with the
/// gzip magic bytes); this receiver decodes every item into <see cref="Items"/> and answers as the real endpoint
/// does: <c>200 {"itemsReceived":n,"itemsAccepted":n,"errors":[]}</c>. Live Metrics (QuickPulse: POST
/// /QuickPulseService.svc/ping and /post, when the connection string's <c>LiveEndpoint</c> points here) is answered
/// "nobody is watching" (x-ms-qps-subscribed: false), so the distro keeps quiet; any other path gets 200 <c>{}</c>
/// and is listed in <see cref="Paths"/> so a test can see what else an exporter called.
/// </summary>
public sealed class AzureMonitorReceiver : IAsyncDisposable
{
    /// <summary>A made-up instrumentation key: the exporter only needs a well-formed one.</summary>
    public const string InstrumentationKey = "8b0a7e3c-0e1d-4f5a-9c6b-e2e14e2e1400";

    private readonly object gate = new();
    private readonly List<AzureMonitorItem> items = [];
    private readonly List<string> paths = [];
    private readonly List<string> rejected = [];
    private readonly Arrivals arrivals = new();
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication app = null!;
    private int hanging;

    private AzureMonitorReceiver(int port) => Port = port;

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>For <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>: telemetry and Live Metrics both come here.</summary>
    public string ConnectionString => $"InstrumentationKey={InstrumentationKey};IngestionEndpoint={Url}/;LiveEndpoint={Url}/";

    /// <summary>When true, every request is accepted and never answered (until the client gives up or this receiver is disposed).</summary>
    public volatile bool Hang;

    public int HeldCount => Volatile.Read(ref hanging);

    /// <summary>Every item received, in arrival order.</summary>
    public IReadOnlyList<AzureMonitorItem> Items => Snapshot(items);

    /// <summary>"METHOD /path" of every request, in arrival order (track, QuickPulse and anything else).</summary>
    public IReadOnlyList<string> Paths => Snapshot(paths);

    /// <summary>Lines that were not a telemetry item (not JSON, no name): a test can assert this stays empty.</summary>
    public IReadOnlyList<string> Rejected => Snapshot(rejected);

    public static async Task<AzureMonitorReceiver> StartAsync()
    {
        var receiver = new AzureMonitorReceiver(Ports.Free());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, receiver.Port, o => o.Protocols = HttpProtocols.Http1AndHttp2);
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        app.Run(receiver.HandleAsync);
        receiver.app = app;
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The first item (in arrival order) that matches, e.g. <c>i =&gt; i.Name == "Request" &amp;&amp; i.Data("responseCode") == "502"</c>.</summary>
    public Task<AzureMonitorItem> WaitForAsync(Func<AzureMonitorItem, bool> match, string what = "a matching item", TimeSpan? timeout = null) =>
        arrivals.WaitAsync(() => Items.FirstOrDefault(match), what, Describe, timeout);

    /// <summary>All items received, once <paramref name="condition"/> holds over them.</summary>
    public Task<IReadOnlyList<AzureMonitorItem>> WaitForAllAsync(Func<IReadOnlyList<AzureMonitorItem>, bool> condition, string what, TimeSpan? timeout = null) =>
        arrivals.WaitAsync(() => Items is var all && condition(all) ? all : null, what, Describe, timeout);

    /// <summary>The newest Metric item carrying a metric called <paramref name="name"/> that satisfies <paramref name="condition"/>.</summary>
    public Task<AzureMonitorItem> WaitForMetricAsync(string name, Func<AzureMonitorItem, bool>? condition = null, TimeSpan? timeout = null) =>
        arrivals.WaitAsync(
            () => Items.LastOrDefault(i => i.Name == "Metric" && i.Metrics.Any(m => m.Name == name) && (condition?.Invoke(i) ?? true)),
            $"metric {name}",
            Describe,
            timeout);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        Add(paths, $"{request.Method} {request.Path}");
        if (Hang)
        {
            Interlocked.Increment(ref hanging);
            arrivals.Signal();
            await released.Task.WaitAsync(context.RequestAborted);
        }

        if (request.Path.Value?.Contains("QuickPulseService.svc", StringComparison.OrdinalIgnoreCase) == true)
        {
            context.Response.Headers["x-ms-qps-subscribed"] = "false";
            await WriteJsonAsync(context, """{"ETag":"","Metrics":[],"DocumentStreams":[]}""");
            return;
        }

        if (!HttpMethods.IsPost(request.Method) || request.Path != "/v2.1/track")
        {
            await WriteJsonAsync(context, "{}");
            return;
        }

        var body = await ReadBodyAsync(request, context.RequestAborted);
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errors = new List<string>();
        for (var index = 0; index < lines.Length; index++)
        {
            try
            {
                Add(items, AzureMonitorItem.Parse(lines[index]));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                Add(rejected, $"{e.Message}: {lines[index]}");
                errors.Add($$"""{"index":{{index}},"statusCode":400,"message":"{{JsonEncodedText.Encode(e.Message)}}"}""");
            }
        }

        context.Response.StatusCode = errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        await WriteJsonAsync(context, $$"""{"itemsReceived":{{lines.Length}},"itemsAccepted":{{lines.Length - errors.Count}},"errors":[{{string.Join(",", errors)}}]}""");
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken aborted)
    {
        using var raw = new MemoryStream();
        await request.Body.CopyToAsync(raw, aborted);
        var bytes = raw.ToArray();
        var gzip = request.Headers.ContentEncoding == "gzip" || (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b);
        if (!gzip)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        await using var unzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(unzip, Encoding.UTF8);
        return await reader.ReadToEndAsync(aborted);
    }

    private static Task WriteJsonAsync(HttpContext context, string json)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    private void Add<T>(List<T> list, T value)
    {
        lock (gate)
        {
            list.Add(value);
        }

        arrivals.Signal();
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (gate)
        {
            return [.. list];
        }
    }

    private string Describe()
    {
        var all = Items;
        return $"{Paths.Count} requests ({string.Join(", ", Paths.Distinct())}), {HeldCount} held, rejected [{string.Join("; ", Rejected)}], " +
            $"{all.Count} items:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", all.TakeLast(40));
    }

    public async ValueTask DisposeAsync()
    {
        released.TrySetResult();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
