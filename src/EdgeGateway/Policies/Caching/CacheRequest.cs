namespace EdgeGateway.Policies.Caching;

/// <summary>
/// What cache-lookup left on the request for the rest of it: the key (cache-store stores under the key the lookup
/// missed, as APIM pairs the two policies), the lookup's settings, and the entry when it was a hit. Made only for a GET
/// that a cache-lookup may answer; every other request carries none.
/// </summary>
internal sealed class CacheRequest(string key, CacheLookup lookup)
{
    public string Key { get; } = key;

    public CacheLookup Lookup { get; } = lookup;

    /// <summary>The stored response this request is answered from: the backend is not called, outbound runs on it.</summary>
    public CachedResponse? Hit { get; set; }

    /// <summary>A cache-store took this response: a second one (another scope's) does not store it again.</summary>
    public bool Storing { get; set; }

    /// <summary>
    /// A body already in memory when cache-store ran (set-body or find-and-replace before it), with its entry: stored only
    /// once outbound has ended in Continue and this same body goes to the client (<see cref="CompletePendingAsync"/>); a
    /// later step that fails, answers or replaces the body leaves nothing stored.
    /// </summary>
    public CacheWrite? PendingWrite { get; set; }

    /// <inheritdoc cref="PendingWrite"/>
    public byte[]? PendingBody { get; set; }

    /// <summary>Outbound ended in Continue with <paramref name="sentBody"/> for the client: stores the pending entry if that is the body it was made for.</summary>
    public ValueTask CompletePendingAsync(byte[] sentBody)
    {
        var write = PendingWrite;
        var body = PendingBody;
        PendingWrite = null;
        PendingBody = null;
        return write is not null && ReferenceEquals(body, sentBody) ? write.StoreAsync(body) : ValueTask.CompletedTask;
    }
}
