using Backup.Providers.Probe;

namespace Backup.Providers.Tests.Conformance;

/// <summary>The conformance suite plus the guarantees of a store that declares conditional writes.</summary>
public abstract class ConditionalWriteConformanceTests : ObjectStoreConformanceTests
{
    [Fact]
    public async Task Probe_Always_ChecksAndPassesConditionalWrite()
    {
        // What an operator's check-backup sees: the store promises conditional writes, and the probe finds them kept.
        var result = await StoreProbe.RunAsync(Store);

        Assert.True(result.Succeeded, string.Join("; ", result.Steps.Select(s => $"{s.Name}: {s.Message}")));
        Assert.Contains(result.Steps, s => s.Name == "conditional-write");
    }

    [Fact]
    public async Task PutAsync_IfNoneMatchTwice_SecondReturnsPreconditionFailed()
    {
        var first = await Store.PutAsync(Prefix + "once", Bytes("first"), WriteCondition.IfNoneMatch);

        var second = await Store.PutAsync(Prefix + "once", Bytes("second"), WriteCondition.IfNoneMatch);

        Assert.Equal(PutStatus.Succeeded, first.Status);
        Assert.Equal(PutStatus.PreconditionFailed, second.Status);
        Assert.Null(second.ETag);
        Assert.Equal(Bytes("first"), (await Store.GetAsync(Prefix + "once"))!.Content.ToArray());
    }

    [Fact]
    public async Task PutAsync_IfMatchCurrentETag_Succeeds()
    {
        var first = await Store.PutAsync(Prefix + "cas", Bytes("v1"), WriteCondition.None);

        var second = await Store.PutAsync(Prefix + "cas", Bytes("v2"), WriteCondition.IfMatch(first.ETag!));

        Assert.True(second.Succeeded);
        Assert.Equal(Bytes("v2"), (await Store.GetAsync(Prefix + "cas"))!.Content.ToArray());
    }

    [Fact]
    public async Task PutAsync_IfMatchETagFromGetAndList_Succeeds()
    {
        await Store.PutAsync(Prefix + "cas2", Bytes("v1"), WriteCondition.None);
        var fromGet = (await Store.GetAsync(Prefix + "cas2"))!.ETag;

        var afterGet = await Store.PutAsync(Prefix + "cas2", Bytes("v2"), WriteCondition.IfMatch(fromGet));
        var fromList = Assert.Single(await ToListAsync(Store.ListAsync(Prefix + "cas2"))).ETag;
        var afterList = await Store.PutAsync(Prefix + "cas2", Bytes("v3"), WriteCondition.IfMatch(fromList));

        Assert.True(afterGet.Succeeded);
        Assert.True(afterList.Succeeded);
    }

    [Fact]
    public async Task PutAsync_IfMatchStaleETag_ReturnsPreconditionFailedAndKeepsContent()
    {
        var stale = await Store.PutAsync(Prefix + "cas", Bytes("v1"), WriteCondition.None);
        await Store.PutAsync(Prefix + "cas", Bytes("v2"), WriteCondition.None);

        var result = await Store.PutAsync(Prefix + "cas", Bytes("v3"), WriteCondition.IfMatch(stale.ETag!));

        Assert.Equal(PutStatus.PreconditionFailed, result.Status);
        Assert.Equal(Bytes("v2"), (await Store.GetAsync(Prefix + "cas"))!.Content.ToArray());
    }

    [Fact]
    public async Task PutAsync_IfMatchOnMissingKey_ReturnsPreconditionFailed()
    {
        var result = await Store.PutAsync(Prefix + "absent", Bytes("x"), WriteCondition.IfMatch("\"0x8D000000000000\""));

        Assert.Equal(PutStatus.PreconditionFailed, result.Status);
        Assert.Null(await Store.GetAsync(Prefix + "absent"));
    }

    [Fact]
    public async Task PutAsync_ConcurrentIfNoneMatchWriters_ExactlyOneWins()
    {
        var writers = Enumerable.Range(0, 12).Select(i => Store.PutAsync(Prefix + "race", Bytes($"writer {i}"), WriteCondition.IfNoneMatch));

        var results = await Task.WhenAll(writers);

        var winner = Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(PutStatus.PreconditionFailed, r.Status));
        Assert.Equal(winner.ETag, (await Store.GetAsync(Prefix + "race"))!.ETag);
    }

    [Fact]
    public async Task PutAsync_ConcurrentIfMatchWriters_ExactlyOneWins()
    {
        var start = await Store.PutAsync(Prefix + "counter", Bytes("0"), WriteCondition.None);
        var writers = Enumerable.Range(1, 12).Select(i => Store.PutAsync(Prefix + "counter", Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), WriteCondition.IfMatch(start.ETag!)));

        var results = await Task.WhenAll(writers);

        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(11, results.Count(r => r.Status == PutStatus.PreconditionFailed));
    }
}
