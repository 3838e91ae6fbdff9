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
}
