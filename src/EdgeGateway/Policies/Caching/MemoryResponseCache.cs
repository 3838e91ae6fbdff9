using System.Collections.Concurrent;

namespace EdgeGateway.Policies.Caching;

/// <summary>
/// Responses in this process, up to <paramref name="maxBytes"/> in all: an entry that does not fit evicts the entries
/// nearest their expiry first (expired ones before all others), down to nine tenths of the budget, so that a full cache
/// sorts its entries once per tenth of the budget written rather than on every store; one larger than the whole budget
/// is never stored.
/// </summary>
internal sealed class MemoryResponseCache(TimeProvider time, long maxBytes) : IResponseCache
{
    /// <summary>The default budget (<c>Cache:MaxSize</c> unset): 64 MiB.</summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly Lock evicting = new();
    private long size;

    public long Size => Interlocked.Read(ref size);

    public ValueTask<byte[]?> GetAsync(string key)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            return new((byte[]?)null);
        }

        if (entry.ExpiresTicks <= time.GetUtcNow().UtcTicks)
        {
            Remove(key, entry);
            return new((byte[]?)null);
        }

        return new(entry.Value);
    }

    public ValueTask SetAsync(string key, byte[] value, TimeSpan timeToLive)
    {
        var cost = value.Length + key.Length * 2L;
        if (cost > maxBytes || timeToLive <= TimeSpan.Zero)
        {
            return ValueTask.CompletedTask;
        }

        var entry = new Entry(value, time.GetUtcNow().Add(timeToLive).UtcTicks, cost);
        if (Interlocked.Read(ref size) + cost > maxBytes)
        {
            MakeRoom(cost);
        }

        // The size moves only with a swap that happened, by exactly what it swapped: a delegate that may run several times
        // (AddOrUpdate's) or a replacement racing a removal must never count an entry twice.
        while (true)
        {
            if (entries.TryGetValue(key, out var old))
            {
                if (entries.TryUpdate(key, entry, old))
                {
                    Interlocked.Add(ref size, cost - old.Cost);
                    break;
                }
            }
            else if (entries.TryAdd(key, entry))
            {
                Interlocked.Add(ref size, cost);
                break;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Evicts until <paramref name="incoming"/> more bytes leave the cache at nine tenths of its budget.</summary>
    private void MakeRoom(long incoming)
    {
        lock (evicting)
        {
            if (Interlocked.Read(ref size) + incoming <= maxBytes)
            {
                return; // another store made room while this one waited
            }

            var now = time.GetUtcNow().UtcTicks;
            foreach (var (key, entry) in entries.OrderBy(e => e.Value.ExpiresTicks > now).ThenBy(e => e.Value.ExpiresTicks))
            {
                if (Interlocked.Read(ref size) + incoming <= maxBytes - (maxBytes / 10))
                {
                    return;
                }

                Remove(key, entry);
            }
        }
    }

    public ValueTask RemoveAsync(string key)
    {
        if (entries.TryGetValue(key, out var entry))
        {
            Remove(key, entry);
        }

        return ValueTask.CompletedTask;
    }

    private void Remove(string key, Entry entry)
    {
        if (entries.TryRemove(new KeyValuePair<string, Entry>(key, entry)))
        {
            Interlocked.Add(ref size, -entry.Cost);
        }
    }

    /// <summary>A class, not a record: TryUpdate and TryRemove compare entries, and only the very same entry may match.</summary>
    private sealed class Entry(byte[] value, long expiresTicks, long cost)
    {
        public byte[] Value { get; } = value;

        public long ExpiresTicks { get; } = expiresTicks;

        public long Cost { get; } = cost;
    }
}
