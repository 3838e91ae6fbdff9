using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Backup.Providers.Tests.S3;

/// <summary>
/// A raw in-process HTTP endpoint standing in for S3, to see exactly what the S3 store sends and to answer
/// what s3rver never does (412, 409 ConditionalRequestConflict).
/// </summary>
internal sealed class FakeS3Endpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<RecordedRequest, (int Status, string? ETag, string? ErrorCode)> _respond;
    private readonly Func<RecordedRequest, string?>? _body;
    private readonly Task _loop;

    /// <param name="respond">Status, ETag and error code of the answer to each request.</param>
    /// <param name="body">An XML body for a successful answer (a ListObjectsV2 result), or null for none.</param>
    public FakeS3Endpoint(Func<RecordedRequest, (int Status, string? ETag, string? ErrorCode)> respond, Func<RecordedRequest, string?>? body = null)
    {
        _respond = respond;
        _body = body;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var recorded = new RecordedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body.ToArray(), context.Request.Url.Query);
            Requests.Enqueue(recorded);

            var (status, etag, errorCode) = _respond(recorded);
            context.Response.StatusCode = status;
            context.Response.Headers["x-amz-request-id"] = "fake";
            if (etag is not null)
            {
                context.Response.Headers["ETag"] = etag;
            }

            var payload = errorCode is null
                ? (_body?.Invoke(recorded) is { } xml ? Encoding.UTF8.GetBytes(xml) : [])
                : Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{errorCode}</Code><Message>fake {errorCode}</Message><RequestId>fake</RequestId><HostId>fake</HostId></Error>");
            context.Response.ContentType = "application/xml";
            context.Response.ContentLength64 = payload.Length;
            await context.Response.OutputStream.WriteAsync(payload);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, string Query = "")
{
    /// <summary>A query parameter's decoded value, or null.</summary>
    public string? QueryValue(string name) => System.Web.HttpUtility.ParseQueryString(Query)[name];

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
