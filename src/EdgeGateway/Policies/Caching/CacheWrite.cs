using System.Buffers;

namespace EdgeGateway.Policies.Caching;

/// <summary>
/// One response on its way into the cache: the head (status, headers, stored-at) is written at once, the body is appended
/// as it streams to the client, and the entry is stored when the body has ended. A body over the size cap is given up as
/// soon as it passes the cap (the client still gets all of it); nothing more is buffered for it.
/// </summary>
internal sealed class CacheWrite
{
    private readonly IResponseCache cache;
    private readonly ILogger logger;
    private readonly string key;
    private readonly TimeSpan timeToLive;
    private readonly int maxBodyBytes;
    private ArrayBufferWriter<byte>? buffer;
    private int bodyBytes;

    public CacheWrite(PolicyServices services, string key, DateTimeOffset storedAt, int durationSeconds, int status,
        IReadOnlyList<KeyValuePair<string, string[]>> headers, int maxBodyBytes, long? expectedLength)
    {
        cache = services.Cache;
        logger = services.Logger;
        this.key = key;
        timeToLive = TimeSpan.FromSeconds(durationSeconds);
        this.maxBodyBytes = maxBodyBytes;
        buffer = new ArrayBufferWriter<byte>((int)Math.Min(expectedLength ?? 4096, maxBodyBytes) + 512);
        CachedResponse.WriteHead(buffer, storedAt, durationSeconds, status, headers);
    }

    /// <summary>Given up (over the cap) or stored: nothing more is kept.</summary>
    public bool IsDone => buffer is null;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (buffer is null)
        {
            return;
        }

        if (bytes.Length > maxBodyBytes - bodyBytes)
        {
            buffer = null; // over the cap: streamed through, not stored
            return;
        }

        buffer.Write(bytes);
        bodyBytes += bytes.Length;
    }

    /// <summary>The body ended: stores the entry (once).</summary>
    public async ValueTask CompleteAsync()
    {
        if (buffer is not { } written)
        {
            return;
        }

        buffer = null;
        try
        {
            await cache.SetAsync(key, written.WrittenSpan.ToArray(), timeToLive);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CacheLog.StoreFailed(logger, e.GetType().Name);
        }
    }

    /// <summary>A body already in memory (set-body or find-and-replace ran before cache-store).</summary>
    public ValueTask StoreAsync(ReadOnlySpan<byte> body)
    {
        Append(body);
        return CompleteAsync();
    }
}
