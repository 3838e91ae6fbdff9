using System.Buffers;

namespace EdgeGateway.Policies.Caching;

/// <summary>
/// One response on its way into the cache: the head (status, headers, stored-at) is written at once, the body is appended
/// as it streams to the client, and the entry is stored when the body has ended. A body over the size cap is given up as
/// soon as it passes the cap (the client still gets all of it); nothing more is buffered for it.
/// </summary>
/// <remarks>
/// Memory follows the bytes that arrived, not what the backend announced: a small body with a known length gets an array of
/// exactly the entry's size (stored as it is, no copy), as does a body already in memory (<c>lengthInHand</c>); any other starts at <see cref="InitialBody"/> bytes and doubles as
/// the body comes (one copy at the end). A large Content-Length reserves nothing before its bytes arrive.
/// </remarks>
internal sealed class CacheWrite
{
    /// <summary>Room for a body of unknown or large length at first; also the largest body given an exact-size array up front.</summary>
    internal const int InitialBody = 16 * 1024;

    private readonly IResponseCache cache;
    private readonly ILogger logger;
    private readonly string key;
    private readonly TimeSpan timeToLive;
    private readonly int maxBodyBytes;
    private readonly int headBytes;
    private byte[]? buffer;
    private int written;

    public CacheWrite(PolicyServices services, string key, DateTimeOffset storedAt, int durationSeconds, int status,
        IReadOnlyList<KeyValuePair<string, string[]>> headers, int maxBodyBytes, long? expectedLength, bool lengthInHand = false)
    {
        cache = services.Cache;
        logger = services.Logger;
        this.key = key;
        timeToLive = TimeSpan.FromSeconds(durationSeconds);
        this.maxBodyBytes = maxBodyBytes;
        var head = new ArrayBufferWriter<byte>(256);
        CachedResponse.WriteHead(head, storedAt, durationSeconds, status, headers);
        headBytes = head.WrittenCount;
        var body = expectedLength is { } length and >= 0 && (lengthInHand || length <= InitialBody) ? (int)Math.Min(length, maxBodyBytes) : Math.Min(InitialBody, maxBodyBytes);
        buffer = new byte[headBytes + body];
        head.WrittenSpan.CopyTo(buffer);
        written = headBytes;
    }

    /// <summary>Given up (over the cap) or stored: nothing more is kept.</summary>
    public bool IsDone => buffer is null;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (buffer is null)
        {
            return;
        }

        if (bytes.Length > maxBodyBytes - (written - headBytes))
        {
            buffer = null; // over the cap: streamed through, not stored
            return;
        }

        if (bytes.Length > buffer.Length - written)
        {
            var grown = new byte[(int)Math.Min(Math.Max((long)buffer.Length * 2, (long)written + bytes.Length), (long)headBytes + maxBodyBytes)];
            buffer.AsSpan(0, written).CopyTo(grown);
            buffer = grown;
        }

        bytes.CopyTo(buffer.AsSpan(written));
        written += bytes.Length;
    }

    /// <summary>The body ended: stores the entry (once).</summary>
    public async ValueTask CompleteAsync()
    {
        if (buffer is not { } filled)
        {
            return;
        }

        buffer = null;
        var entry = written == filled.Length ? filled : filled.AsSpan(0, written).ToArray();
        try
        {
            await cache.SetAsync(key, entry, timeToLive);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CacheLog.StoreFailed(logger, e.GetType().Name);
        }
    }

    /// <summary>A body already in memory (set-body or find-and-replace ran before cache-store), once outbound has ended in Continue.</summary>
    public ValueTask StoreAsync(ReadOnlySpan<byte> body)
    {
        Append(body);
        return CompleteAsync();
    }
}
