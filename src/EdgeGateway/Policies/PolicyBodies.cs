using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeGateway.Policies;

/// <summary>
/// The bodies set-body and find-and-replace work on: the request the backend gets (inbound, backend) and the response the
/// client gets (outbound, onError). A body is buffered only by a policy that needs it, up to <see cref="MaxBuffered"/>
/// bytes; every other request streams as before.
/// </summary>
internal static class PolicyBodies
{
    /// <summary>The most a policy buffers of a body (1 MiB): what find-and-replace reads, what set-body may produce.</summary>
    public const int MaxBuffered = Contracts.Policies.BodyLimits.MaxBytes;

    public const string RequestTooLarge = "The request body is larger than the 1 MiB a body policy buffers.";

    public const string ResponseTooLarge = "The backend's response body is larger than the 1 MiB a body policy buffers.";

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>Fields that describe a body's exact bytes: wrong once a policy replaces them.</summary>
    private static readonly string[] DescribeTheBytes = ["Content-Encoding", "Content-MD5", "Content-Digest", "Repr-Digest", "Digest"];

    /// <summary>
    /// Replaces the body the backend gets: its length is sent as Content-Length, chunking and Expect are dropped, and so
    /// are the client's Content-Encoding and digests, which describe the client's bytes, not these (a gzip body replaced by
    /// plain text would otherwise be gunzipped by the backend).
    /// </summary>
    public static void ReplaceRequest(PolicyRun run, byte[] body)
    {
        var headers = run.Http.Request.Headers;
        foreach (var name in DescribeTheBytes)
        {
            headers.Remove(name);
        }

        Buffer(run, body);
    }

    /// <summary>The body the backend gets is now these bytes, sent with their length (read once, or replaced).</summary>
    private static void Buffer(PolicyRun run, byte[] body)
    {
        var request = run.Http.Request;
        run.RequestBody = body;
        request.Body = new MemoryStream(body, writable: false);
        request.Headers.Remove("Transfer-Encoding");
        request.Headers.Remove("Expect"); // the client's body is not read: it must not wait for a 100 Continue
        request.ContentLength = body.Length;

        // YARP forwards a body only when the server says the request can have one (a GET without body says no).
        run.Http.Features.Set<IHttpRequestBodyDetectionFeature>(HasBody.Instance);
    }

    /// <summary>Replaces the body the client gets; written once the section ends (see <see cref="WriteResponseAsync"/>).</summary>
    public static void ReplaceResponse(PolicyRun run, byte[] body) => run.ResponseBody = body;

    /// <summary>The request body as text, when it is text (see <see cref="IsText"/>); Failed when it is too large to buffer.</summary>
    public static async ValueTask<BodyText> ReadRequestAsync(PolicyRun run)
    {
        var request = run.Http.Request;
        if (run.RequestBody is { } replaced)
        {
            return Decode(replaced);
        }

        if (!IsText(request.ContentType, request.Headers.ContentEncoding.ToString()))
        {
            return BodyText.NotText;
        }

        // Read once: the backend gets these bytes, changed or not (its encoding and digests still hold).
        var buffered = await BufferRequestAsync(run);
        return buffered.State == BodyState.Buffered ? Decode(run.RequestBody!) : buffered;
    }

    /// <summary>
    /// forward-request's bufferRequestBody: the request body read into memory whatever its type (up to <see cref="MaxBuffered"/>
    /// bytes), so the backend can be sent it again; also what find-and-replace reads. Buffered: <see cref="PolicyRun.RequestBody"/> holds it.
    /// </summary>
    public static async ValueTask<BodyText> BufferRequestAsync(PolicyRun run)
    {
        var request = run.Http.Request;
        if (run.RequestBody is not null)
        {
            return BodyText.Buffered;
        }

        if (request.ContentLength > MaxBuffered)
        {
            return BodyText.TooLarge;
        }

        byte[]? bytes;
        try
        {
            bytes = await ReadBoundedAsync(request.Body, run.Http.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            return BodyText.ClientFailed(e.StatusCode is >= 400 and < 500 ? e.StatusCode : StatusCodes.Status400BadRequest);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return run.Http.RequestAborted.IsCancellationRequested ? BodyText.Aborted : BodyText.ClientFailed(StatusCodes.Status400BadRequest);
        }

        if (bytes is null)
        {
            return BodyText.TooLarge;
        }

        Buffer(run, bytes);
        return BodyText.Buffered;
    }

    /// <summary>
    /// A request body that could not be buffered (<see cref="BufferRequestAsync"/>) ends the request: part of it may have been
    /// read, so the backend can no longer get it whole. 413 when too large, the client's 4xx when it failed, nobody to answer
    /// when it went away; Continue for a buffered body.
    /// </summary>
    public static PolicyResult RequestBodyFailed(PolicyRun run, string source, BodyText body) => body.State switch
    {
        BodyState.TooLarge => run.Fail(new(source, "BodyTooLarge", RequestTooLarge, StatusCodes.Status413PayloadTooLarge)),
        BodyState.ClientFailed => run.Fail(new(source, "RequestBodyFailed",
            body.StatusCode == StatusCodes.Status408RequestTimeout ? Errors.GatewayErrors.BodyTimeout : Errors.GatewayErrors.BadBody, body.StatusCode)),
        BodyState.Aborted => run.Fail(new(source, "ClientAborted", Errors.GatewayErrors.BadBody, body.StatusCode)),
        _ => PolicyResult.Continue,
    };

    /// <summary>The backend's response body as text, when it is text; Failed when it is too large to buffer.</summary>
    public static async ValueTask<BodyText> ReadResponseAsync(PolicyRun run)
    {
        if (run.ResponseBody is { } replaced)
        {
            return Decode(replaced);
        }

        if (run.BackendResponse?.Content is not { } content
            || !IsText(content.Headers.ContentType?.ToString(), string.Join(',', content.Headers.ContentEncoding)))
        {
            return BodyText.NotText;
        }

        if (content.Headers.ContentLength > MaxBuffered)
        {
            return BodyText.TooLarge;
        }

        byte[]? bytes;
        try
        {
            await using var stream = await content.ReadAsStreamAsync(run.Http.RequestAborted);
            bytes = await ReadBoundedAsync(stream, run.Http.RequestAborted);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            // The backend's body broke off (reset, truncated, too slow), unless it was the client that went away.
            return run.Http.RequestAborted.IsCancellationRequested ? BodyText.Aborted : BodyText.BackendFailed;
        }

        if (bytes is null)
        {
            return BodyText.TooLarge;
        }

        run.ResponseBody = bytes; // read once: the client gets these bytes, changed or not
        return Decode(bytes);
    }

    /// <summary>
    /// Writes the replaced response body with its length; none for the client's HEAD (whatever set-method sent the backend),
    /// 204 and 304, which have no body. The backend's Content-Encoding and digests no longer describe it and go.
    /// </summary>
    public static Task WriteResponseAsync(PolicyRun run)
    {
        var response = run.Http.Response;
        var body = run.ResponseBody!;
        foreach (var name in DescribeTheBytes)
        {
            response.Headers.Remove(name);
        }

        response.Headers.Remove("Transfer-Encoding");
        if (response.StatusCode is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            response.Headers.ContentLength = null;
            return Task.CompletedTask;
        }

        response.ContentLength = body.Length;
        return HttpMethods.IsHead(run.ClientMethod) ? Task.CompletedTask : response.Body.WriteAsync(body, run.Http.RequestAborted).AsTask();
    }

    /// <summary>
    /// Text a policy may change: a text media type (text/*, JSON, XML, JavaScript, form data, +json, +xml), UTF-8 or
    /// US-ASCII (or no charset), not compressed. Anything else passes unchanged.
    /// </summary>
    internal static bool IsText(string? contentType, string? contentEncoding)
    {
        if (!string.IsNullOrEmpty(contentEncoding) && !contentEncoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType is not { } type)
        {
            return false;
        }

        if (media.CharSet is { } charset && !charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Trim('"').Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/javascript", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    }

    private static BodyText Decode(byte[] bytes)
    {
        try
        {
            return new BodyText(StrictUtf8.GetString(bytes), BodyState.Text);
        }
        catch (DecoderFallbackException)
        {
            return BodyText.NotText; // not UTF-8 after all: the bytes pass as they are
        }
    }

    /// <summary>The whole stream, or null once it passes <see cref="MaxBuffered"/> bytes.</summary>
    private static async ValueTask<byte[]?> ReadBoundedAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBuffered)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public static readonly HasBody Instance = new();

        public bool CanHaveBody => true;
    }
}

internal enum BodyState
{
    Text,
    NotText,
    TooLarge,

    /// <summary>The client's body could not be read (malformed, too slow): the client's fault, a 4xx in <see cref="BodyText.StatusCode"/>.</summary>
    ClientFailed,

    /// <summary>The backend's body broke off while it was read: a backend failure (502).</summary>
    BackendFailed,

    /// <summary>The client went away: nobody is left to answer.</summary>
    Aborted,

    /// <summary>The request body is in memory (or there is none): the backend can be sent it again.</summary>
    Buffered,
}

/// <summary>A body read for a policy: its text, or why there is none to change.</summary>
internal readonly record struct BodyText(string? Text, BodyState State, int StatusCode = 0)
{
    public static readonly BodyText NotText = new(null, BodyState.NotText);

    public static readonly BodyText TooLarge = new(null, BodyState.TooLarge);

    public static readonly BodyText BackendFailed = new(null, BodyState.BackendFailed, StatusCodes.Status502BadGateway);

    public static readonly BodyText Aborted = new(null, BodyState.Aborted, StatusCodes.Status400BadRequest);

    public static readonly BodyText Buffered = new(null, BodyState.Buffered);

    public static BodyText ClientFailed(int statusCode) => new(null, BodyState.ClientFailed, statusCode);
}
