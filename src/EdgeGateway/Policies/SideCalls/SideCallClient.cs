using System.Net;

namespace EdgeGateway.Policies.SideCalls;

/// <summary>
/// The one client every send-request and send-one-way-request of the process goes through (kept in
/// <see cref="PolicyServices"/>, never made per request): a pooled <see cref="SocketsHttpHandler"/> whose connections are
/// recycled every few minutes (DNS changes reach it), no redirects, no cookies, no decompression (a policy reads the bytes
/// it was sent). Each call has its own timeout through a linked token, so a slow target holds up only the requests that
/// wait for it.
/// </summary>
internal sealed class SideCallClient : IDisposable
{
    /// <summary>The most body a response keeps for expressions to read (1 MiB, as the body policies); a larger one is an error.</summary>
    public const int MaxBodyBytes = PolicyBodies.MaxBuffered;

    private readonly HttpMessageInvoker invoker;

    public SideCallClient(HttpMessageHandler? handler = null)
    {
        invoker = new HttpMessageInvoker(handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(30),
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        }, disposeHandler: true);
    }

    /// <summary>
    /// Sends <paramref name="request"/> (through <paramref name="through"/>, an authentication-certificate child's client,
    /// when given) and reads the response, body included, within <paramref name="timeout"/>; the result
    /// says what went wrong instead of throwing (a timeout, a connection error, a body over <see cref="MaxBodyBytes"/>).
    /// </summary>
    public async Task<SideCallResult> SendAsync(HttpRequestMessage request, TimeSpan timeout, TimeProvider time, CancellationToken aborted,
        HttpMessageInvoker? through = null)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        using var timer = time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), cancel, timeout, Timeout.InfiniteTimeSpan);
        try
        {
            using var response = await (through ?? invoker).SendAsync(request, cancel.Token);
            var body = await ReadCappedAsync(response.Content, cancel.Token);
            return body is null
                ? SideCallResult.Failed("BodyTooLarge", $"the response body is larger than {MaxBodyBytes} bytes", StatusCodes.Status502BadGateway)
                : SideCallResult.Of(new SideResponse((int)response.StatusCode, SideResponse.HeadersOf(response), body));
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return SideCallResult.Failed("Timeout", $"no complete response within {timeout.TotalSeconds:0.###} s", StatusCodes.Status504GatewayTimeout);
        }
        catch (OperationCanceledException)
        {
            // The client went away: the request ends through the usual error path, which answers no one.
            return SideCallResult.Failed("ClientAborted", "the client went away", StatusCodes.Status400BadRequest);
        }
        catch (HttpRequestException e)
        {
            // The message names at most host and port (never the path, query or a header).
            return SideCallResult.Failed("ConnectionFailed", e.HttpRequestError == HttpRequestError.Unknown ? e.GetType().Name : e.HttpRequestError.ToString(),
                StatusCodes.Status502BadGateway);
        }
        catch (IOException e)
        {
            return SideCallResult.Failed("ConnectionFailed", e.GetType().Name, StatusCodes.Status502BadGateway);
        }
    }

    public void Dispose() => invoker.Dispose();

    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

/// <summary>A side call's response, or why there is none (a reason for context.LastError, a detail for the log, the status the client gets).</summary>
internal readonly record struct SideCallResult(SideResponse? Response, string Reason, string Detail, int StatusCode)
{
    public static SideCallResult Of(SideResponse response) => new(response, string.Empty, string.Empty, 0);

    public static SideCallResult Failed(string reason, string detail, int statusCode) => new(null, reason, detail, statusCode);
}
