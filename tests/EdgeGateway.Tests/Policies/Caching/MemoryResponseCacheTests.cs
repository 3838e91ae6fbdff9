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
}
