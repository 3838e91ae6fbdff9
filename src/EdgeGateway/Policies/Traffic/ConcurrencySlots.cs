using System.Collections.Concurrent;

namespace EdgeGateway.Policies.Traffic;

/// <summary>
/// limit-concurrency's in-flight counts, per key, in this process. Lock-free: a key's entry is removed when its last
/// request ends (so one-off keys do not accumulate), and an entry being removed is marked dead first, so a request that
/// found it just then takes a fresh one instead of counting in a forgotten entry.
/// </summary>
internal sealed class ConcurrencySlots
{
    private const int Dead = -1;

    private readonly ConcurrentDictionary<string, Slot> slots = new(StringComparer.Ordinal);

    /// <summary>Keys holding at least one slot (for tests).</summary>
    public int Count => slots.Count;

    /// <summary>Takes a slot unless <paramref name="max"/> requests with this key hold one already.</summary>
    public bool TryAcquire(string key, int max)
    {
        while (true)
        {
            var slot = slots.GetOrAdd(key, static _ => new Slot());
            var current = Volatile.Read(ref slot.InFlight);
            if (current == Dead)
            {
                slots.TryRemove(new KeyValuePair<string, Slot>(key, slot));
                continue;
            }

            if (current >= max)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref slot.InFlight, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back a slot <see cref="TryAcquire"/> took.</summary>
    public void Release(string key)
    {
        if (!slots.TryGetValue(key, out var slot))
        {
            return;
        }

        if (Interlocked.Decrement(ref slot.InFlight) == 0 && Interlocked.CompareExchange(ref slot.InFlight, Dead, 0) == 0)
        {
            slots.TryRemove(new KeyValuePair<string, Slot>(key, slot));
        }
    }

    private sealed class Slot
    {
        public int InFlight;
    }
}
