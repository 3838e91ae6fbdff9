using System.Text;

namespace Backup.Providers.Tests.Conformance;

/// <summary>
/// The behaviour every store must show, run once per provider. Each test works under its own random prefix,
/// so providers can share one bucket or container across tests.
/// </summary>
public abstract class ObjectStoreConformanceTests
{
    private IObjectStore? _store;

    protected string Prefix { get; } = $"c{Guid.NewGuid():N}/";

    protected IObjectStore Store => _store ??= CreateStore(listPageSize: null);

    /// <summary>A store over the provider's shared test location; <paramref name="listPageSize"/> null means the provider's default.</summary>
    protected abstract IObjectStore CreateStore(int? listPageSize);

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task PutAsync_NewKey_GetReturnsSameContentAndETag()
    {
        var put = await Store.PutAsync(Prefix + "config/snapshot.json", Bytes("{\"revision\":1}"), WriteCondition.None);

        var read = await Store.GetAsync(Prefix + "config/snapshot.json");

        Assert.True(put.Succeeded);
        Assert.NotNull(read);
        Assert.Equal("{\"revision\":1}", Encoding.UTF8.GetString(read.Content.Span));
        Assert.Equal(put.ETag, read.ETag);
    }

    [Fact]
    public async Task GetAsync_MissingKey_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync(Prefix + "nothing-here"));
    }

    [Fact]
    public async Task GetIfChangedAsync_ETagStillCurrent_ReturnsNotModifiedWithoutContent()
    {
        var put = await Store.PutAsync(Prefix + "state/head.json", Bytes("{\"revision\":1}"), WriteCondition.None);
        var fromGet = (await Store.GetAsync(Prefix + "state/head.json"))!.ETag;

        var afterPut = await Store.GetIfChangedAsync(Prefix + "state/head.json", put.ETag);
        var afterGet = await Store.GetIfChangedAsync(Prefix + "state/head.json", fromGet);

        Assert.Equal(ReadStatus.NotModified, afterPut.Status);
        Assert.Null(afterPut.Object);
        Assert.Equal(ReadStatus.NotModified, afterGet.Status);
    }

    [Fact]
    public async Task GetIfChangedAsync_ObjectRewritten_ReturnsNewContentAndETag()
    {
        var first = await Store.PutAsync(Prefix + "state/head.json", Bytes("one"), WriteCondition.None);
        var second = await Store.PutAsync(Prefix + "state/head.json", Bytes("two"), WriteCondition.None);

        var read = await Store.GetIfChangedAsync(Prefix + "state/head.json", first.ETag);

        Assert.Equal(ReadStatus.Changed, read.Status);
        Assert.Equal("two", Encoding.UTF8.GetString(read.Object!.Content.Span));
        Assert.Equal(second.ETag, read.Object.ETag);
        Assert.Equal(ReadStatus.NotModified, (await Store.GetIfChangedAsync(Prefix + "state/head.json", read.Object.ETag)).Status);
    }

    [Fact]
    public async Task GetIfChangedAsync_NoKnownETag_ReadsLikeGet()
    {
        var put = await Store.PutAsync(Prefix + "plain", Bytes("content"), WriteCondition.None);

        var read = await Store.GetIfChangedAsync(Prefix + "plain", knownETag: null);

        Assert.Equal(ReadStatus.Changed, read.Status);
        Assert.Equal("content", Encoding.UTF8.GetString(read.Object!.Content.Span));
        Assert.Equal(put.ETag, read.Object.ETag);
    }

    [Fact]
    public async Task GetIfChangedAsync_MissingOrDeletedKey_ReturnsNotFound()
    {
        var put = await Store.PutAsync(Prefix + "deleted", Bytes("x"), WriteCondition.None);
        await Store.DeleteAsync(Prefix + "deleted");

        Assert.Equal(ReadStatus.NotFound, (await Store.GetIfChangedAsync(Prefix + "never-written", null)).Status);
        Assert.Equal(ReadStatus.NotFound, (await Store.GetIfChangedAsync(Prefix + "deleted", put.ETag)).Status);
    }

    [Fact]
    public async Task PutAsync_ExistingKey_OverwritesContentAndChangesETag()
    {
        var first = await Store.PutAsync(Prefix + "k", Bytes("one"), WriteCondition.None);

        var second = await Store.PutAsync(Prefix + "k", Bytes("two"), WriteCondition.None);
        var read = await Store.GetAsync(Prefix + "k");

        Assert.True(second.Succeeded);
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("two", Encoding.UTF8.GetString(read!.Content.Span));
        Assert.Equal(second.ETag, read.ETag);
    }

    [Fact]
    public async Task PutAsync_EmptyContent_RoundTrips()
    {
        await Store.PutAsync(Prefix + "empty", ReadOnlyMemory<byte>.Empty, WriteCondition.None);

        var read = await Store.GetAsync(Prefix + "empty");

        Assert.NotNull(read);
        Assert.Equal(0, read.Content.Length);
    }

    [Fact]
    public async Task PutAsync_BinaryContent_RoundTripsEveryByte()
    {
        var content = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 % 256)).ToArray();

        await Store.PutAsync(Prefix + "bin/all-bytes.bin", content, WriteCondition.None);
        var read = await Store.GetAsync(Prefix + "bin/all-bytes.bin");

        Assert.Equal(content, read!.Content.ToArray());
    }

    [Fact]
    public async Task PutAsync_TenMegabyteObject_RoundTrips()
    {
        var content = new byte[10 * 1024 * 1024];
        new Random(42).NextBytes(content);

        var put = await Store.PutAsync(Prefix + "big.bin", content, WriteCondition.None);
        var read = await Store.GetAsync(Prefix + "big.bin");

        Assert.True(put.Succeeded);
        Assert.True(content.AsSpan().SequenceEqual(read!.Content.Span));
        var listed = await ToListAsync(Store.ListAsync(Prefix + "big"));
        Assert.Equal(content.Length, Assert.Single(listed).Size);
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsOnlyMatchingKeysWithMetadata()
    {
        await Store.PutAsync(Prefix + "a/1", Bytes("x"), WriteCondition.None);
        var second = await Store.PutAsync(Prefix + "a/2", Bytes("yy"), WriteCondition.None);
        await Store.PutAsync(Prefix + "a/sub/3", Bytes("zzz"), WriteCondition.None);
        await Store.PutAsync(Prefix + "ab", Bytes("w"), WriteCondition.None);
        await Store.PutAsync(Prefix + "b/1", Bytes("v"), WriteCondition.None);

        var folder = await ToListAsync(Store.ListAsync(Prefix + "a/"));
        var partial = await ToListAsync(Store.ListAsync(Prefix + "a"));

        Assert.Equal([Prefix + "a/1", Prefix + "a/2", Prefix + "a/sub/3"], folder.Select(o => o.Key));
        Assert.Equal([Prefix + "a/1", Prefix + "a/2", Prefix + "a/sub/3", Prefix + "ab"], partial.Select(o => o.Key));
        var two = folder[1];
        Assert.Equal(2, two.Size);
        Assert.Equal(second.ETag, two.ETag);
        Assert.InRange(two.LastModified, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task ListAsync_NoMatch_ReturnsEmpty()
    {
        Assert.Empty(await ToListAsync(Store.ListAsync(Prefix + "none/")));
    }

    [Fact]
    public async Task ListAsync_MoreThanThousandObjects_PagesThroughAllOnce()
    {
        const int count = 1005;
        var keys = Enumerable.Range(0, count).Select(i => $"{Prefix}many/{i:D5}").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) =>
            Assert.True((await Store.PutAsync(key, Bytes(key), WriteCondition.None, ct)).Succeeded));

        // Small pages exercise the continuation loop; the default page size crosses the services' 1000-object page.
        var smallPages = await ToListAsync(CreateStore(listPageSize: 100).ListAsync(Prefix + "many/"));
        var defaultPages = await ToListAsync(Store.ListAsync(Prefix + "many/"));

        Assert.Equal(keys, smallPages.Select(o => o.Key));
        Assert.Equal(keys, defaultPages.Select(o => o.Key));
    }

    [Fact]
    public async Task DeleteAsync_ExistingKey_RemovesItAndReturnsTrue()
    {
        await Store.PutAsync(Prefix + "gone/soon", Bytes("x"), WriteCondition.None);

        var deleted = await Store.DeleteAsync(Prefix + "gone/soon");

        Assert.True(deleted);
        Assert.Null(await Store.GetAsync(Prefix + "gone/soon"));
        Assert.Empty(await ToListAsync(Store.ListAsync(Prefix + "gone/")));
    }

    [Fact]
    public async Task DeleteAsync_MissingKey_ReturnsFalse()
    {
        Assert.False(await Store.DeleteAsync(Prefix + "never-written"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/leading")]
    [InlineData("a/../b")]
    [InlineData("..")]
    [InlineData("a/./b")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    [InlineData("trailing/")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    [InlineData("reserved~")]
    public async Task AllOperations_InvalidKey_ThrowArgumentException(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetIfChangedAsync(key, "\"1\""));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, Bytes("x"), WriteCondition.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(key));
    }

    [Fact]
    public async Task AllOperations_TooLongKey_ThrowArgumentException()
    {
        var key = Prefix + new string('k', 200) + "/" + new string('k', 200) + "/" + new string('k', 200);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, Bytes("x"), WriteCondition.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetAsync(key));
    }

    [Theory]
    [InlineData("/abs")]
    [InlineData("../up")]
    [InlineData("a\\b")]
    public async Task ListAsync_InvalidPrefix_ThrowsArgumentException(string prefix)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => ToListAsync(Store.ListAsync(prefix)));
    }

    [Fact]
    public async Task AllOperations_CancelledToken_ThrowOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.GetAsync(Prefix + "k", cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.GetIfChangedAsync(Prefix + "k", "\"1\"", cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.PutAsync(Prefix + "k", Bytes("x"), WriteCondition.None, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.DeleteAsync(Prefix + "k", cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ToListAsync(Store.ListAsync(Prefix, cancelled.Token)));
        Assert.Null(await Store.GetAsync(Prefix + "k"));
    }

    [Fact]
    public async Task PutAsync_SameKeyFromAnotherStoreInstance_IsTheSameObject()
    {
        await Store.PutAsync(Prefix + "shared/key.json", Bytes("same"), WriteCondition.None);

        var read = await CreateStore(listPageSize: null).GetAsync(Prefix + "shared/key.json");

        Assert.Equal("same", Encoding.UTF8.GetString(read!.Content.Span));
    }

    [Fact]
    public async Task StoreProbe_RunAsync_EveryStepSucceeds()
    {
        var result = await Backup.Providers.Probe.StoreProbe.RunAsync(Store);

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Steps.Select(s => $"{s.Name}: {s.Message}")));
        Assert.Contains(result.Steps, s => s.Name == "delete");
        Assert.Equal(Store.Capabilities.SupportsConditionalWrites, result.Steps.Any(s => s.Name == "conditional-write"));
    }

    protected static async Task<List<ObjectInfo>> ToListAsync(IAsyncEnumerable<ObjectInfo> source)
    {
        var list = new List<ObjectInfo>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
