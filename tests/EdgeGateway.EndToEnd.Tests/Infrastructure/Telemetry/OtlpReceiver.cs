using System.IO.Compression;
using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry.Otlp;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

/// <summary>
/// A real OTLP collector stand-in in the test process: OTLP/HTTP with protobuf bodies (POST /v1/traces, /v1/metrics,
/// /v1/logs on <see cref="HttpEndpoint"/>) and OTLP/gRPC (TraceService, MetricsService, LogsService Export on
/// <see cref="GrpcEndpoint"/>, HTTP/2 without TLS). It decodes what arrives into <see cref="Spans"/>,
/// <see cref="Metrics"/> and <see cref="Logs"/>, and waits on conditions over them. Two ports because cleartext
/// HTTP/2 needs an HTTP/2-only listener, and the HTTP exporter speaks HTTP/1.1.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly object gate = new();
    private readonly List<ReceivedSpan> spans = [];
    private readonly List<ReceivedMetric> metrics = [];
    private readonly List<ReceivedLog> logs = [];
    private readonly List<OtlpExport> exports = [];
    private readonly List<string> rejected = [];
    private readonly Arrivals arrivals = new();
    private TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication app = null!;
    private int hanging;

    private OtlpReceiver(int httpPort, int grpcPort)
    {
        HttpPort = httpPort;
        GrpcPort = grpcPort;
    }

    public int HttpPort { get; }

    public int GrpcPort { get; }

    /// <summary>For <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> with <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c> (the exporter appends /v1/traces etc.).</summary>
    public string HttpEndpoint => $"http://127.0.0.1:{HttpPort}";

    /// <summary>For <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> with <c>OTEL_EXPORTER_OTLP_PROTOCOL=grpc</c>.</summary>
    public string GrpcEndpoint => $"http://127.0.0.1:{GrpcPort}";

    /// <summary>
    /// When true, every export request is accepted and never answered (until the exporter gives up, <see cref="Release"/>
    /// is called or this receiver is disposed): a collector that hangs. Nothing is recorded while hanging, except in <see cref="HeldCount"/>.
    /// </summary>
    public volatile bool Hang;

    /// <summary>
    /// The collector recovers: <see cref="Hang"/> goes off and every held export request goes on to be decoded and
    /// recorded as if it had just arrived (what the exporter kept while the collector hung is then visible). Setting
    /// <see cref="Hang"/> again holds the next requests until the next release.
    /// </summary>
    public void Release()
    {
        Hang = false;
        Interlocked.Exchange(ref released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>How many export requests arrived while <see cref="Hang"/> was on (each is held open).</summary>
    public int HeldCount => Volatile.Read(ref hanging);

    public IReadOnlyList<ReceivedSpan> Spans => Snapshot(spans);

    /// <summary>Every metric of every export in arrival order (cumulative sums repeat their running total in each export).</summary>
    public IReadOnlyList<ReceivedMetric> Metrics => Snapshot(metrics);

    public IReadOnlyList<ReceivedLog> Logs => Snapshot(logs);

    /// <summary>Every export request that was decoded, with its transport and headers (e.g. for OTEL_EXPORTER_OTLP_HEADERS).</summary>
    public IReadOnlyList<OtlpExport> Exports => Snapshot(exports);

    /// <summary>Requests refused (wrong content type, undecodable body): a test can assert this stays empty.</summary>
    public IReadOnlyList<string> Rejected => Snapshot(rejected);

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver(Ports.Free(), Ports.Free());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, receiver.HttpPort, o => o.Protocols = HttpProtocols.Http1);
            k.Listen(IPAddress.Loopback, receiver.GrpcPort, o => o.Protocols = HttpProtocols.Http2);
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 64 * 1024 * 1024);
        builder.Services.AddSingleton(receiver);
        var app = builder.Build();
        app.MapGrpcService<OtlpTraceService>();
        app.MapGrpcService<OtlpMetricsService>();
        app.MapGrpcService<OtlpLogsService>();
        app.MapPost("/v1/traces", context => receiver.HandleHttpAsync(context, "traces", ExportTraceServiceRequest.Parser, new ExportTraceServiceResponse()));
        app.MapPost("/v1/metrics", context => receiver.HandleHttpAsync(context, "metrics", ExportMetricsServiceRequest.Parser, new ExportMetricsServiceResponse()));
        app.MapPost("/v1/logs", context => receiver.HandleHttpAsync(context, "logs", ExportLogsServiceRequest.Parser, new ExportLogsServiceResponse()));
        receiver.app = app;
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The first span (in arrival order) that matches.</summary>
    public Task<ReceivedSpan> WaitForSpanAsync(Func<ReceivedSpan, bool> match, string what = "a matching span", TimeSpan? timeout = null) =>
        arrivals.WaitAsync(() => Spans.FirstOrDefault(match), what, () => Describe(Spans), timeout);

    /// <summary>All spans received, once <paramref name="condition"/> holds over them.</summary>
    public Task<IReadOnlyList<ReceivedSpan>> WaitForSpansAsync(Func<IReadOnlyList<ReceivedSpan>, bool> condition, string what, TimeSpan? timeout = null) =>
        arrivals.WaitAsync(() => Spans is var all && condition(all) ? all : null, what, () => Describe(Spans), timeout);

    /// <summary>The newest metric that matches: with cumulative temporality, the latest running totals.</summary>
    public Task<ReceivedMetric> WaitForMetricAsync(Func<ReceivedMetric, bool> match, string what = "a matching metric", TimeSpan? timeout = null) =>
        arrivals.WaitAsync(() => Metrics.LastOrDefault(match), what, () => Describe(Metrics.DistinctBy(m => m.Name)), timeout);

    /// <summary>The newest export of the metric called <paramref name="name"/> whose <paramref name="condition"/> holds.</summary>
    public Task<ReceivedMetric> WaitForMetricAsync(string name, Func<ReceivedMetric, bool> condition, TimeSpan? timeout = null) =>
        WaitForMetricAsync(m => m.Name == name && condition(m), $"metric {name} matching the condition", timeout);

    public Task<ReceivedLog> WaitForLogAsync(Func<ReceivedLog, bool> match, string what = "a matching log record", TimeSpan? timeout = null) =>
        arrivals.WaitAsync(() => Logs.FirstOrDefault(match), what, () => Describe(Logs), timeout);

    /// <summary>Waits for any condition over this receiver, e.g. a number of exports or held requests.</summary>
    public Task WaitForAsync(Func<OtlpReceiver, bool> condition, string what, TimeSpan? timeout = null) =>
        arrivals.WaitAsync(() => condition(this) ? this : null, what, () => $"{Exports.Count} exports, {HeldCount} held", timeout);

    internal async Task<TResponse> ReceiveGrpcAsync<TRequest, TResponse>(
        string signal, TRequest request, ServerCallContext context, TResponse response)
        where TRequest : IMessage
    {
        if (Hang)
        {
            await HoldAsync(context.CancellationToken);
        }

        var headers = context.RequestHeaders.Where(h => !h.IsBinary).GroupBy(h => h.Key)
            .ToDictionary(g => g.Key, g => string.Join(",", g.Select(h => h.Value)), StringComparer.OrdinalIgnoreCase);
        Store(new OtlpExport("grpc", signal, context.GetHttpContext().Request.ContentType, headers), request);
        return response;
    }

    private async Task HandleHttpAsync<TRequest>(HttpContext context, string signal, MessageParser<TRequest> parser, IMessage response)
        where TRequest : IMessage<TRequest>
    {
        if (Hang)
        {
            await HoldAsync(context.RequestAborted);
        }

        var contentType = context.Request.ContentType;
        if (contentType?.StartsWith("application/x-protobuf", StringComparison.OrdinalIgnoreCase) != true)
        {
            Reject($"{signal}: content type '{contentType}', expected application/x-protobuf");
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        using var body = new MemoryStream();
        var input = context.Request.Headers.ContentEncoding == "gzip"
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
            : context.Request.Body;
        await using (input)
        {
            await input.CopyToAsync(body, context.RequestAborted);
        }

        TRequest request;
        try
        {
            request = parser.ParseFrom(body.ToArray());
        }
        catch (InvalidProtocolBufferException e)
        {
            Reject($"{signal}: undecodable protobuf body ({e.Message})");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        Store(new OtlpExport("http", signal, contentType, headers), request);
        context.Response.ContentType = "application/x-protobuf";
        await context.Response.Body.WriteAsync(response.ToByteArray(), context.RequestAborted);
    }

    private async Task HoldAsync(CancellationToken aborted)
    {
        var release = Volatile.Read(ref released);
        if (!Hang)
        {
            return; // released between the caller's check and here: Release turns Hang off before it swaps the gate
        }

        Interlocked.Increment(ref hanging);
        arrivals.Signal();
        await release.Task.WaitAsync(aborted);
    }

    private void Store(OtlpExport export, IMessage request)
    {
        lock (gate)
        {
            exports.Add(export);
            switch (request)
            {
                case ExportTraceServiceRequest traces:
                    spans.AddRange(OtlpDecoder.Spans(traces));
                    break;
                case ExportMetricsServiceRequest metricsRequest:
                    metrics.AddRange(OtlpDecoder.Metrics(metricsRequest));
                    break;
                case ExportLogsServiceRequest logsRequest:
                    logs.AddRange(OtlpDecoder.Logs(logsRequest));
                    break;
            }
        }

        arrivals.Signal();
    }

    private void Reject(string reason)
    {
        lock (gate)
        {
            rejected.Add(reason);
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

    private string Describe<T>(IEnumerable<T> items)
    {
        var list = items.ToList();
        var shown = string.Join(Environment.NewLine + "  ", list.TakeLast(40));
        return $"{Exports.Count} exports, {HeldCount} held, rejected [{string.Join("; ", Rejected)}], {list.Count} items:{Environment.NewLine}  {shown}";
    }

    public async ValueTask DisposeAsync()
    {
        Volatile.Read(ref released).TrySetResult();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
