using System.Collections.Concurrent;

namespace EdgeGateway.Policies.Traffic;

/// <summary>
/// Counters in this process: exact for one instance, and what a Redis-backed store falls back to while Redis is away.
/// Lock-free per key; a window that has ended is replaced by the next one on first use, and ended windows of keys no
/// longer used are swept every so often, so a stream of one-off keys does not grow the table without bound.
/// </summary>
internal sealed class LocalCounterStore(TimeProvider time) : ICounterStore
{
    private const int SweepEvery = 4096;

    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);
    private int calls;

    public int Count => windows.Count;

    public ValueTask<CounterResult> AddAsync(string key, DateTimeOffset windowEnd, long amount, long? limit) =>
        new(Add(key, windowEnd.UtcTicks, amount, limit));

    public CounterResult Add(string key, long windowEndTicks, long amount, long? limit)
    {
        if (Interlocked.Increment(ref calls) % SweepEvery == 0)
        {
            Sweep();
        }

        while (true)
        {
            var window = windows.GetOrAdd(key, static (_, end) => new Window(end), windowEndTicks);
            if (window.EndTicks != windowEndTicks)
            {
                if (window.EndTicks > windowEndTicks)
                {
                    // A request whose clock reading is older than the window another request opened: count it there.
                    windowEndTicks = window.EndTicks;
                }
                else
                {
                    windows.TryUpdate(key, new Window(windowEndTicks), window);
                    continue;
                }
            }

            return window.Add(amount, limit);
        }
    }

    private void Sweep()
    {
        var now = time.GetUtcNow().UtcTicks;
        foreach (var (key, window) in windows)
        {
            if (window.EndTicks <= now)
            {
                windows.TryRemove(new KeyValuePair<string, Window>(key, window));
            }
        }
    }

    private sealed class Window(long endTicks)
    {
        private long count;

        public long EndTicks { get; } = endTicks;

        public CounterResult Add(long amount, long? limit)
        {
            while (true)
            {
                var current = Volatile.Read(ref count);
                if (amount == 0)
                {
                    return new(true, current);
                }

                if (limit is { } max && current + amount > max)
                {
                    return new(false, current);
                }

                if (Interlocked.CompareExchange(ref count, current + amount, current) == current)
                {
                    return new(true, current + amount);
                }
            }
        }
    }
}
