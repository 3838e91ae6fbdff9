using System.Collections.Concurrent;

namespace ManagementPlane.Portal.Consumer;

/// <summary>
/// Slows password guessing, per account and per client address. Each key gets a few free failures, then every
/// further failure makes the next attempt wait twice as long (1 s, 2 s, 4 s, …), and enough failures lock it for
/// <see cref="Lockout"/>. Failures are forgotten <see cref="Window"/> after the last one, and a correct password
/// clears the account's count (never the address's: one valid account must not reset an attacker's address).
/// Kept in memory per instance: a restart or another instance starts from zero, which is a slower attacker, not a
/// broken one (a store write per failed attempt would hand attackers a way to load the store).
/// </summary>
internal sealed class SignInThrottle(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    private const int MaxEntries = 100_000;

    private static readonly Limits AccountLimits = new(Free: 3, LockAfter: 10);
    private static readonly Limits AddressLimits = new(Free: 10, LockAfter: 50);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>How long to wait before the next attempt is heard, or null when it may go ahead now.</summary>
    public TimeSpan? RetryAfter(string accountId, string? address)
    {
        var now = time.GetUtcNow();
        var wait = Wait(Key("a", accountId), now);
        if (address is not null && Wait(Key("ip", address), now) is { } other && (wait is null || other > wait))
        {
            wait = other;
        }

        return wait;
    }

    public void Failed(string accountId, string? address)
    {
        var now = time.GetUtcNow();
        Fail(Key("a", accountId), AccountLimits, now);
        if (address is not null)
        {
            Fail(Key("ip", address), AddressLimits, now);
        }

        if (entries.Count > MaxEntries)
        {
            Prune(now);
        }
    }

    public void Succeeded(string accountId) => entries.TryRemove(Key("a", accountId), out _);

    private static string Key(string kind, string value) => $"{kind}:{value}";

    private TimeSpan? Wait(string key, DateTimeOffset now)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        lock (entry)
        {
            return entry.NextAllowed > now ? entry.NextAllowed - now : null;
        }
    }

    private void Fail(string key, Limits limits, DateTimeOffset now)
    {
        var entry = entries.GetOrAdd(key, _ => new Entry());
        lock (entry)
        {
            if (now - entry.LastFailure > Window)
            {
                entry.Failures = 0;
            }

            entry.Failures++;
            entry.LastFailure = now;
            if (entry.Failures >= limits.LockAfter)
            {
                entry.NextAllowed = now + Lockout;
            }
            else if (entry.Failures > limits.Free)
            {
                entry.NextAllowed = now + TimeSpan.FromSeconds(Math.Pow(2, entry.Failures - limits.Free - 1));
            }
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, entry) in entries)
        {
            bool stale;
            lock (entry)
            {
                stale = now - entry.LastFailure > Window && entry.NextAllowed <= now;
            }

            if (stale)
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    private sealed record Limits(int Free, int LockAfter);

    private sealed class Entry
    {
        public int Failures;
        public DateTimeOffset LastFailure;
        public DateTimeOffset NextAllowed;
    }
}
