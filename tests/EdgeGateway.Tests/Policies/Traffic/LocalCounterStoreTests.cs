using EdgeGateway.Policies.Traffic;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies.Traffic;

/// <summary>The in-process counter store: exact under contention, and a window's count ends with it.</summary>
public sealed class LocalCounterStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 10, TimeSpan.Zero);

    [Fact]
    public async Task AddAsync_ParallelAddsWithLimit_ExactlyTheLimitAdmitted()
    {
        var store = new LocalCounterStore(new FakeTimeProvider(Now));
        var end = Now.AddMinutes(1);
        var admitted = 0;

        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            if ((await store.AddAsync("k", end, 1, 2_500)).Added)
            {
                Interlocked.Increment(ref admitted);
            }
        });

        Assert.Equal(2_500, admitted);
        Assert.Equal(2_500, (await store.AddAsync("k", end, 0, null)).Count);
    }

    [Fact]
    public async Task AddAsync_NextWindow_StartsFromZero()
    {
        var store = new LocalCounterStore(new FakeTimeProvider(Now));
        await store.AddAsync("k", Now.AddMinutes(1), 5, null);

        var next = await store.AddAsync("k", Now.AddMinutes(2), 1, 3);

        Assert.Equal(new CounterResult(true, 1), next);
    }

    [Fact]
    public void ConcurrencySlots_ParallelAcquireRelease_NeverMoreThanMaxHeldAndNothingLeftAfter()
    {
        var slots = new ConcurrencySlots();
        var held = 0;
        var most = 0;

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (slots.TryAcquire("k", 3))
            {
                var now = Interlocked.Increment(ref held);
                InterlockedMax(ref most, now);
                Interlocked.Decrement(ref held);
                slots.Release("k");
            }
        });

        Assert.InRange(most, 1, 3);
        Assert.Equal(0, slots.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
