using EdgeGateway.Policies.Caching;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies.Caching;

/// <summary>The in-process store: entries expire on the engine's clock, and a full cache makes room from the entries nearest their end.</summary>
public sealed class MemoryResponseCacheTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    // Each entry costs its bytes plus two per key character: keys "k1".."k9" cost 4, so a 100-byte value costs 104.
    private static byte[] Value(byte mark) => Enumerable.Repeat(mark, 100).ToArray();

    [Fact]
    public async Task Entry_UntilItsTimeToLive_ThenGone()
    {
        var cache = new MemoryResponseCache(time, 10_000);
        await cache.SetAsync("k1", Value(1), TimeSpan.FromSeconds(10));

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1, (await cache.GetAsync("k1"))![0]);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await cache.GetAsync("k1"));
        Assert.Equal(0, cache.Size);
    }

    [Fact]
    public async Task Full_ExpiredEntriesGoFirst_ThenThoseNearestTheirExpiry()
    {
        var cache = new MemoryResponseCache(time, 420); // room for four entries
        await cache.SetAsync("k1", Value(1), TimeSpan.FromSeconds(100));
        await cache.SetAsync("k2", Value(2), TimeSpan.FromSeconds(5));
        await cache.SetAsync("k3", Value(3), TimeSpan.FromSeconds(50));
        await cache.SetAsync("k4", Value(4), TimeSpan.FromSeconds(200));
        time.Advance(TimeSpan.FromSeconds(6)); // k2 has expired (still held: nothing read it)

        await cache.SetAsync("k5", Value(5), TimeSpan.FromSeconds(300)); // over budget: room down to 9/10 (378) means two go
        Assert.Null(await cache.GetAsync("k2"));
        Assert.Null(await cache.GetAsync("k3"));
        Assert.NotNull(await cache.GetAsync("k1"));
        Assert.NotNull(await cache.GetAsync("k4"));
        Assert.NotNull(await cache.GetAsync("k5"));
        Assert.True(cache.Size <= 420);
    }

    [Fact]
    public async Task ReplacingAKey_CountsItOnce()
    {
        var cache = new MemoryResponseCache(time, 10_000);
        await cache.SetAsync("k1", Value(1), TimeSpan.FromSeconds(10));
        await cache.SetAsync("k1", Value(2), TimeSpan.FromSeconds(10));

        Assert.Equal(104, cache.Size);
        Assert.Equal(2, (await cache.GetAsync("k1"))![0]);
    }

    [Fact]
    public async Task LargerThanTheWholeBudget_NeverStored_OthersKept()
    {
        var cache = new MemoryResponseCache(time, 150);
        await cache.SetAsync("k1", Value(1), TimeSpan.FromSeconds(10));

        await cache.SetAsync("k2", new byte[200], TimeSpan.FromSeconds(10));

        Assert.Null(await cache.GetAsync("k2"));
        Assert.NotNull(await cache.GetAsync("k1"));
    }

    [Fact]
    public async Task ConcurrentSetsGetsAndExpiriesOfTheSameKeys_SizeStaysTheSumOfWhatIsHeld()
    {
        var cache = new MemoryResponseCache(time, 2_000); // small: stores also evict
        var keys = new[] { "k0", "k1", "k2" };
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, 4).Select(w => new Thread(() =>
        {
            // Own threads, not the pool: they really run at once. The in-memory store completes synchronously.
            var random = new Random(w);
            start.Wait();
            for (var i = 0; i < 200_000; i++)
            {
                var key = keys[random.Next(keys.Length)];
                if (random.Next(3) == 0)
                {
                    _ = cache.GetAsync(key).Result; // removes the entry when it has expired
                }
                else
                {
                    cache.SetAsync(key, new byte[random.Next(10, 400)], TimeSpan.FromSeconds(random.Next(1, 4))).GetAwaiter().GetResult();
                }

                if (w == 0 && i % 20 == 0)
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                }
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        start.Set();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        // Every key replaced by a known entry: the size is theirs and nothing else's (drift would stay in it).
        foreach (var key in keys)
        {
            await cache.SetAsync(key, Value(1), TimeSpan.FromSeconds(1000));
        }

        Assert.Equal(keys.Length * 104, cache.Size);
        time.Advance(TimeSpan.FromSeconds(1000));
        foreach (var key in keys)
        {
            Assert.Null(await cache.GetAsync(key));
        }

        Assert.Equal(0, cache.Size);
    }
}
