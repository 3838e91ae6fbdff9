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

    /// <summary>
    /// The most send-one-way-request calls the process lets run at once. Nothing waits for them and each may hold up to
    /// 1 MiB (a copied body) for up to 600 s: without a bound, a slow target under load would grow memory and sockets
    /// until the process fails. Beyond it a call is dropped (and logged), as a failed call would be.
    /// </summary>
    public const int DefaultMaxOneWayInFlight = 1024;

    private static readonly long DropLineEvery = TimeSpan.FromSeconds(10).Ticks;

    private readonly HttpMessageInvoker invoker;
    private readonly int maxOneWayInFlight;
    private readonly CancellationTokenSource stopping = new();
    private int oneWayInFlight;
    private long droppedSinceLine;
    private long nextDropLineTicks;

    public SideCallClient(HttpMessageHandler? handler = null, int maxOneWayInFlight = DefaultMaxOneWayInFlight)
    {
        this.maxOneWayInFlight = maxOneWayInFlight;
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
        // The timeout's own source, not a timer that cancels the linked one: a timer callback that runs just after this
        // method disposed its sources would cancel a disposed source and throw on a thread-pool thread (the process ends).
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(aborted, timeoutSource.Token);
        try
        {
            using var response = await (through ?? invoker).SendAsync(request, cancel.Token);
            var body = await ReadCappedAsync(response.Content, cancel.Token);
            return body is null
                ? SideCallResult.Failed("BodyTooLarge", $"the response body is larger than {MaxBodyBytes} bytes", StatusCodes.Status502BadGateway)
                : SideCallResult.Of(new SideResponse((int)response.StatusCode, SideResponse.HeadersOf(response), body));
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: the request ends through the usual error path, which answers no one.
            return SideCallResult.Failed("ClientAborted", "the client went away", StatusCodes.Status400BadRequest);
        }
        catch (OperationCanceledException)
        {
            return SideCallResult.Failed("Timeout", $"no complete response within {timeout.TotalSeconds:0.###} s", StatusCodes.Status504GatewayTimeout);
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

    /// <summary>Cancelled when the host stops: send-one-way-request calls still running are abandoned, not left to run out their timeouts.</summary>
    public CancellationToken Stopping => stopping.Token;

    /// <summary>send-one-way-request calls running now.</summary>
    public int OneWayInFlight => Volatile.Read(ref oneWayInFlight);

    /// <summary>A slot for one send-one-way-request call, or false when <c>maxOneWayInFlight</c> already run (the call is dropped).</summary>
    public bool TryStartOneWay()
    {
        if (Interlocked.Increment(ref oneWayInFlight) <= maxOneWayInFlight)
        {
            return true;
        }

        Interlocked.Decrement(ref oneWayInFlight);
        return false;
    }

    /// <summary>
    /// Counts a dropped one-way call. The calls dropped since the last log line when a line is due (the first drop, then at
    /// most one every 10 s: a full cap under load must not become a log line per request), else 0.
    /// </summary>
    public long CountDropped(TimeProvider time)
    {
        Interlocked.Increment(ref droppedSinceLine);
        var now = time.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref nextDropLineTicks);
        return now >= next && Interlocked.CompareExchange(ref nextDropLineTicks, now + DropLineEvery, next) == next
            ? Interlocked.Exchange(ref droppedSinceLine, 0) : 0;
    }

    /// <summary>Gives back the slot of <see cref="TryStartOneWay"/>.</summary>
    public void EndOneWay() => Interlocked.Decrement(ref oneWayInFlight);

    /// <summary>The host is stopping: abandons the send-one-way-request calls still running.</summary>
    public void Stop() => stopping.Cancel();

    public void Dispose()
    {
        stopping.Cancel(); // not disposed: calls still running hold its token
        invoker.Dispose();
    }

    /// <summary>
    /// The whole body, or null once it passes <see cref="MaxBodyBytes"/>. With a Content-Length the bytes go straight into
    /// an array of that size; without, through a pooled chunk into a growing buffer.
    /// </summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var length = content.Headers.ContentLength;
        if (length > MaxBodyBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        if (length is { } known)
        {
            var exact = new byte[known];
            var filled = await stream.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, cancellationToken);
            return filled == exact.Length ? exact : exact[..filled];
        }

        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var buffer = new MemoryStream();
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
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}

/// <summary>A side call's response, or why there is none (a reason for context.LastError, a detail for the log, the status the client gets).</summary>
internal readonly record struct SideCallResult(SideResponse? Response, string Reason, string Detail, int StatusCode)
{
    public static SideCallResult Of(SideResponse response) => new(response, string.Empty, string.Empty, 0);

    public static SideCallResult Failed(string reason, string detail, int statusCode) => new(null, reason, detail, statusCode);
}
