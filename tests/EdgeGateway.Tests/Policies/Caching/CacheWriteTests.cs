using EdgeGateway.Policies;
using EdgeGateway.Policies.Caching;
using EdgeGateway.Policies.Jwt;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies.Caching;

/// <summary>An entry on its way into the cache: memory follows the bytes that arrived, and the entry reads back whole.</summary>
public sealed class CacheWriteTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    private (CacheWrite Write, MemoryResponseCache Cache) Write(int maxBodyBytes, long? expectedLength)
    {
        var cache = new MemoryResponseCache(time, MemoryResponseCache.DefaultMaxBytes);
        var services = new PolicyServices(new OpenIdKeyCache(OpenIdKeyCache.DefaultRefreshInterval)) { Time = time, Cache = cache };
        var write = new CacheWrite(services, "key", time.GetUtcNow(), 60, 200, [new("Content-Type", ["text/plain"])], maxBodyBytes, expectedLength);
        return (write, cache);
    }

    [Fact]
    public void LargeAnnouncedLength_NothingReservedBeforeItsBytesArrive()
    {
        // A backend announcing 15 MiB (under a 16 MiB maxSize) whose body then breaks off, or many such at once:
        // the gateway must not have set aside the announced size for each of them.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (write, _) = Write(16 * 1024 * 1024, 15L * 1024 * 1024);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.False(write.IsDone);
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated before any of the body arrived");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(100_000L)]
    [InlineData(500L)] // a Content-Length that lied (smaller than the body): the buffer still grows, up to the cap
    public async Task BodyInPieces_BeyondTheFirstBuffer_StoredWhole(long? announced)
    {
        var body = Enumerable.Range(0, 100_000).Select(i => (byte)(i % 251)).ToArray();
        var (write, cache) = Write(1024 * 1024, announced);

        for (var offset = 0; offset < body.Length; offset += 7_000)
        {
            write.Append(body.AsSpan(offset, Math.Min(7_000, body.Length - offset)));
        }

        await write.CompleteAsync();

        Assert.True(CachedResponse.TryRead((await cache.GetAsync("key"))!, out var entry));
        Assert.Equal(body, entry.Body.ToArray());
        Assert.Equal("text/plain", entry.Headers.Single().Value.Single());
    }

    [Fact]
    public async Task BodyPastTheCap_NothingStored()
    {
        var (write, cache) = Write(50_000, null);

        write.Append(new byte[30_000]);
        write.Append(new byte[30_000]);
        await write.CompleteAsync();

        Assert.True(write.IsDone);
        Assert.Null(await cache.GetAsync("key"));
    }
}
