namespace EdgeGateway.Policies.Caching;

/// <summary>
/// Where cache-store keeps responses and cache-lookup finds them: this process (<see cref="MemoryResponseCache"/>, the
/// default) or Redis, shared by every gateway that names the same server. Entries are opaque bytes (the policies own the
/// format), each with a time to live.
/// </summary>
internal interface IResponseCache
{
    /// <summary>The entry stored under <paramref name="key"/>, or null when there is none (or it expired, or the store is unreachable).</summary>
    ValueTask<byte[]?> GetAsync(string key);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> for <paramref name="timeToLive"/>; a store that is unreachable or full drops it.</summary>
    ValueTask SetAsync(string key, byte[] value, TimeSpan timeToLive);

    /// <summary>Removes the entry under <paramref name="key"/>, if any (cache-remove-value); an unreachable store drops the removal.</summary>
    ValueTask RemoveAsync(string key);
}
