using System.Text;
using EdgeGateway.Policies;
using EdgeGateway.Policies.Caching;
using EdgeGateway.Policies.Jwt;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies.Caching;

/// <summary>The backend's body on its way to the client and into the cache, read as YARP's copier reads it.</summary>
public sealed class CapturingContentTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    private (CapturingContent Content, MemoryResponseCache Cache) Capture(string body, int maxSize = 1000)
    {
        var cache = new MemoryResponseCache(time, 1_000_000);
        var services = new PolicyServices(new OpenIdKeyCache(OpenIdKeyCache.DefaultRefreshInterval)) { Time = time, Cache = cache };
        var write = new CacheWrite(services, "k", time.GetUtcNow(), 60, 200, [new("Content-Type", ["text/plain"])], maxSize, null);
        return (new CapturingContent(new StringContent(body), write), cache);
    }

    [Fact]
    public async Task ZeroByteReadsBetweenReads_AreNotTheEnd_TheWholeBodyIsStored()
    {
        var (content, cache) = Capture("the whole body");
        await using var stream = await content.ReadAsStreamAsync();
        var received = new MemoryStream();
        var buffer = new byte[4];
        while (true)
        {
            Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty)); // as YARP's StreamCopier waits for data
            Assert.Null(await cache.GetAsync("k"));
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
        }

        Assert.Equal("the whole body", Encoding.UTF8.GetString(received.ToArray()));
        Assert.True(CachedResponse.TryRead((await cache.GetAsync("k"))!, out var entry));
        Assert.Equal("the whole body", Encoding.UTF8.GetString(entry.Body.Span));
        Assert.Equal("text/plain; charset=utf-8", content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task BodyThatBreaksOff_NeverStored()
    {
        var (content, cache) = Capture("start of a body");
        await using var stream = await content.ReadAsStreamAsync();

        Assert.Equal(5, await stream.ReadAsync(new byte[5]));
        await stream.DisposeAsync(); // the copy ended before the body did

        Assert.Null(await cache.GetAsync("k"));
    }

    [Fact]
    public async Task BodyOverTheCap_PassesWhole_NotStored()
    {
        var (content, cache) = Capture("0123456789", maxSize: 9);

        Assert.Equal("0123456789", await content.ReadAsStringAsync());
        Assert.Null(await cache.GetAsync("k"));
    }
}
