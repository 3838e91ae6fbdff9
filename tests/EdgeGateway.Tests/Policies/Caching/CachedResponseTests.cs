using System.Buffers;
using System.Text;
using EdgeGateway.Policies.Caching;

namespace EdgeGateway.Tests.Policies.Caching;

/// <summary>The entry format: what is written reads back the same; bytes that are not an entry read as none (a miss), never throw.</summary>
public sealed class CachedResponseTests
{
    private static readonly DateTimeOffset StoredAt = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static byte[] Entry(string body = "héllo body")
    {
        var writer = new ArrayBufferWriter<byte>();
        CachedResponse.WriteHead(writer, StoredAt, 300, 203,
            [new("Content-Type", ["application/json; charset=utf-8"]), new("X-Many", ["one", "two", ""]), new("X-Ünicode", ["ça"])]);
        writer.Write(Encoding.UTF8.GetBytes(body));
        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public void WriteThenRead_GivesBackStatusHeadersBodyAndTimes()
    {
        Assert.True(CachedResponse.TryRead(Entry(), out var entry));

        Assert.Equal(203, entry.Status);
        Assert.Equal(300, entry.TimeToLiveSeconds);
        Assert.Equal(StoredAt, entry.StoredAt);
        Assert.Equal(["one", "two", ""], entry.Headers.Single(h => h.Key == "X-Many").Value);
        Assert.Equal("ça", entry.Headers.Single(h => h.Key == "X-Ünicode").Value.Single());
        Assert.Equal("héllo body", Encoding.UTF8.GetString(entry.Body.Span));
        Assert.Equal(61, entry.AgeAt(StoredAt.AddSeconds(61.9)));
        Assert.Equal(0, entry.AgeAt(StoredAt.AddSeconds(-5))); // another gateway's clock ahead of this one
    }

    [Fact]
    public void EmptyBody_ReadsAsEmpty()
    {
        Assert.True(CachedResponse.TryRead(Entry(""), out var entry));
        Assert.Equal(0, entry.Body.Length);
    }

    [Fact]
    public void CutShortAnywhereInTheHead_ReadsAsNoEntry()
    {
        var bytes = Entry("");
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(CachedResponse.TryRead(bytes[..length], out _), $"cut at {length} of {bytes.Length} read as an entry");
        }
    }

    [Fact]
    public void AnotherVersionOrGarbage_ReadsAsNoEntry()
    {
        var other = Entry();
        other[0] = 2;

        Assert.False(CachedResponse.TryRead(other, out _));
        Assert.False(CachedResponse.TryRead(Encoding.UTF8.GetBytes("{\"not\":\"an entry\"}"), out _));
    }
}
