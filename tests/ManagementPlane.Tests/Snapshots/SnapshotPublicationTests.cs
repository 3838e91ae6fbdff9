using System.Globalization;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Sync;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Snapshots;

/// <summary>
/// A gateway's snapshot is compiled and signed once per revision that changed it, stored for every instance sharing the
/// store, and compiled again only when its stored object is gone.
/// </summary>
public sealed class SnapshotPublicationTests : TwoPlanes
{
    private readonly string gatewayId = "gw-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Writes_TwoInstancesPolling_CompileOncePerRevisionThatChangedTheGateway()
    {
        using var compiled = new SnapshotCompileCounter(gatewayId);
        var token = await First.SeedGatewayAsync(gatewayId);
        Assert.Equal(1, compiled.Signed);
        var compiles = compiled.Compiled;

        var (etag, bytes) = await PollAsync(First, token);
        foreach (var plane in new[] { First, Second, Second, First, Second })
        {
            var (again, againBytes) = await PollAsync(plane, token);
            Assert.Equal(etag, again);
            Assert.Equal(bytes, againBytes);
        }

        Assert.Equal(1, compiled.Signed);
        Assert.Equal(compiles, compiled.Compiled);

        // A write that leaves the gateway's content as it was: compiled once to see that, nothing signed, its ETag stays.
        await Second.PutOkAsync("/apis/elsewhere", """{"path":"/elsewhere","backend":{"urls":["http://127.0.0.1:9"]}}""");
        Assert.Equal(304, (int)(await SnapshotAsync(First, token, etag)).StatusCode);
        Assert.Equal(304, (int)(await SnapshotAsync(Second, token, etag)).StatusCode);
        Assert.Equal(1, compiled.Signed);
        Assert.Equal(compiles + 1, compiled.Compiled);

        const int writes = 4;
        for (var i = 1; i <= writes; i++)
        {
            var writer = i % 2 == 0 ? First : Second;
            await writer.PutOkAsync("/apis/echo", $$$"""{"path":"/echo","name":"v{{{i}}}","backend":{"urls":["http://127.0.0.1:9"]}}""");
            Assert.Equal(1 + i, compiled.Signed);
            Assert.Equal(compiles + 1 + i, compiled.Compiled);

            var (fromFirst, firstBytes) = await PollAsync(First, token, etag);
            var (fromSecond, secondBytes) = await PollAsync(Second, token, etag);
            Assert.NotEqual(etag, fromFirst);
            Assert.Equal(fromFirst, fromSecond);
            Assert.Equal(firstBytes, secondBytes);
            Assert.Equal($"v{i}", Payload(firstBytes).Apis!.Single().Name);
            etag = fromFirst;
        }

        // Polls on both instances compiled nothing: one compile per write, however many instances and polls.
        Assert.Equal(compiles + 1 + writes, compiled.Compiled);

        Assert.Equal(1 + writes, compiled.Signed);
        Assert.Equal(0, compiled.Repairs);
    }

    [Fact]
    public async Task LongPollOnTheOtherInstance_WokenByAWrite_ServesTheStoredSnapshotWithoutCompiling()
    {
        using var compiled = new SnapshotCompileCounter(gatewayId);
        var token = await First.SeedGatewayAsync(gatewayId);
        var (etag, _) = await PollAsync(Second, token);

        var request = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath(gatewayId) + "?wait=60");
        request.Headers.TryAddWithoutValidation("Authorization", token);
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        var held = Second.Anonymous.SendAsync(request);
        await First.PutOkAsync("/apis/echo", """{"path":"/echo","name":"v2","backend":{"urls":["http://127.0.0.1:9"]}}""");

        // wait=60 and a 45 s deadline: an answer in time can only come from the write through the first instance.
        var response = await held.WaitAsync(TimeSpan.FromSeconds(45));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.NotEqual(etag, response.Headers.ETag!.Tag);
        Assert.Equal("v2", Payload(await response.Content.ReadAsByteArrayAsync()).Apis!.Single().Name);
        Assert.Equal(2, compiled.Signed);
        Assert.Equal(0, compiled.Repairs);
    }

    [Fact]
    public async Task StoredObjectDeleted_ConcurrentPollsOfAnotherInstance_RepairItOnce()
    {
        using var compiled = new SnapshotCompileCounter(gatewayId);
        var token = await First.SeedGatewayAsync(gatewayId);
        var (etag, written) = await PollAsync(First, token);
        var file = SnapshotFile(First, gatewayId, Revision(etag));
        Assert.Equal(written, await File.ReadAllBytesAsync(file));

        // As if the writer stopped between its commit and storing the snapshot (or an earlier version wrote the state).
        File.Delete(file);
        var polls = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PollAsync(Second, token)));
        var (repairedETag, repaired) = polls[0];
        var (_, again) = await PollAsync(Second, token);

        Assert.Equal(etag, repairedETag);
        Assert.All(polls, p => Assert.Equal(repaired, p.Bytes));
        Assert.Equal(repaired, again);
        Assert.Equal(1, compiled.Repairs);
        Assert.Equal(2, compiled.Signed);
        Assert.Equal(repaired, await File.ReadAllBytesAsync(file));
        Assert.Equal(Revision(etag), Payload(repaired).Revision);

        // A third instance on the same store serves the repaired object without compiling.
        await using var third = await TestPlane.StartAsync(First.StorePath);
        Assert.Equal(repaired, (await PollAsync(third, token)).Bytes);
        Assert.Equal(2, compiled.Signed);
    }

    [Fact]
    public async Task StoredObjectDamaged_IsReplacedByAVerifiableOne()
    {
        using var compiled = new SnapshotCompileCounter(gatewayId);
        var token = await First.SeedGatewayAsync(gatewayId);
        var (etag, _) = await PollAsync(First, token);
        var file = SnapshotFile(First, gatewayId, Revision(etag));
        await File.WriteAllTextAsync(file, """{"protected":"e30","payload":"e30","signature":"AAAA"}""");

        var (_, served) = await PollAsync(Second, token);

        var publicKey = await PublicKeyAsync();
        Assert.True(SignedSnapshot.Verify(served, publicKey).IsValid);
        Assert.Equal(served, await File.ReadAllBytesAsync(file));
        Assert.Equal(1, compiled.Repairs);
    }

    [Fact]
    public async Task StoredObjectHoldingAnotherRevision_ValidlySigned_IsNotServed_ButReplaced()
    {
        using var compiled = new SnapshotCompileCounter(gatewayId);
        var token = await First.SeedGatewayAsync(gatewayId);
        var (oldETag, _) = await PollAsync(First, token);
        await First.PutOkAsync("/apis/echo", """{"path":"/echo","name":"v2","backend":{"urls":["http://127.0.0.1:9"]}}""");
        var (newETag, _) = await PollAsync(First, token);
        var file = SnapshotFile(First, gatewayId, Revision(newETag));

        // What a head record restored from an older copy leaves behind: an object under this name, signed by this plane,
        // with other content.
        File.Copy(SnapshotFile(First, gatewayId, Revision(oldETag)), file, overwrite: true);
        var (etag, served) = await PollAsync(Second, token);

        Assert.Equal(newETag, etag);
        Assert.Equal(Revision(newETag), Payload(served).Revision);
        Assert.Equal("v2", Payload(served).Apis!.Single().Name);
        Assert.Equal(1, compiled.Repairs);
        Assert.Equal(served, await File.ReadAllBytesAsync(file));
    }

    [Fact]
    public async Task OlderRevisions_PrunedToThePreviousOne_AndARemovedGatewaysSnapshotsDeleted()
    {
        var token = await First.SeedGatewayAsync(gatewayId);
        for (var i = 1; i <= 3; i++)
        {
            await First.PutOkAsync("/apis/echo", $$$"""{"path":"/echo","name":"v{{{i}}}","backend":{"urls":["http://127.0.0.1:9"]}}""");
        }

        var (etag, _) = await PollAsync(Second, token);
        var folder = Path.GetDirectoryName(SnapshotFile(First, gatewayId, 0))!;
        var kept = Directory.GetFiles(folder, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, kept.Count);
        Assert.Equal(Path.GetFileName(SnapshotFile(First, gatewayId, Revision(etag))), kept[1]);

        Assert.Equal(204, (int)(await First.Client.DeleteAsync($"/gateways/{gatewayId}")).StatusCode);
        Assert.Empty(Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json") : []);
    }

    private async Task<(string ETag, byte[] Bytes)> PollAsync(TestPlane plane, string token, string? ifNoneMatch = null)
    {
        var response = await SnapshotAsync(plane, token, ifNoneMatch);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(200 == (int)response.StatusCode, $"expected 200, got {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
        return (response.Headers.ETag!.Tag, bytes);
    }

    private Task<HttpResponseMessage> SnapshotAsync(TestPlane plane, string token, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath(gatewayId));
        request.Headers.TryAddWithoutValidation("Authorization", token);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return plane.Anonymous.SendAsync(request);
    }

    private static GatewaySnapshot Payload(byte[] envelope) =>
        SnapshotReader.Parse(SignedSnapshot.ReadPayloadUnverified(envelope)!).Snapshot!;

    private static long Revision(string etag) => long.Parse(etag.Trim('"'), CultureInfo.InvariantCulture);

    /// <summary>Where the disk store keeps a gateway's snapshot (docs/management-api.md, "Storage").</summary>
    private static string SnapshotFile(TestPlane plane, string gatewayId, long revision) =>
        Path.Combine(plane.StorePath, "snapshots", gatewayId.ToLowerInvariant(), revision.ToString("D19", CultureInfo.InvariantCulture) + ".json");

    private async Task<System.Security.Cryptography.ECDsa> PublicKeyAsync()
    {
        SigningKeys.TryImport(await First.Anonymous.GetStringAsync("/signing-key"), out var key, out _);
        return key!;
    }
}
