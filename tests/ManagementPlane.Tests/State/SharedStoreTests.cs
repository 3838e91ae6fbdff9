using EdgeGateway.Contracts.Sync;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.State;

/// <summary>Two management-plane instances on one disk store: the head record serialises their writes.</summary>
public sealed class SharedStoreTests : TwoPlanes
{

    [Fact]
    public async Task ConcurrentWrites_TwoInstances_NoneLost()
    {
        const int perInstance = 15;
        var writes = Enumerable.Range(0, perInstance).SelectMany(i => new[]
        {
            First.PutOkAsync($"/named-values/a{i}", $$"""{"value":"a{{i}}"}"""),
            Second.PutOkAsync($"/named-values/b{i}", $$"""{"value":"b{{i}}"}"""),
        });
        await Task.WhenAll(writes);

        var fromFirst = await First.GetJsonAsync("/named-values");
        var fromSecond = await Second.GetJsonAsync("/named-values");
        Assert.Equal(2 * perInstance, fromFirst["count"]!.GetValue<int>());
        Assert.Equal(2 * perInstance, fromSecond["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task SameResource_StaleETagFromOtherInstance_Is412()
    {
        var created = await First.PutAsync("/named-values/shared", """{"value":"1"}""");
        var etag = created.Headers.ETag!.Tag;
        Assert.Equal(200, (int)(await Second.PutAsync("/named-values/shared", """{"value":"2"}""", etag)).StatusCode);
        await Problem.AssertAsync(await First.PutAsync("/named-values/shared", """{"value":"3"}""", etag), 412);
    }

    [Fact]
    public async Task LongPoll_OnOneInstance_WakesOnWriteThroughTheOther()
    {
        var token = await First.SeedGatewayAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath("gw1"));
        request.Headers.TryAddWithoutValidation("Authorization", token);
        var etag = (await Second.Anonymous.SendAsync(request)).Headers.ETag!.Tag;

        // wait=60 and a 45 s deadline: an answer in time can only come from the write on the other instance.
        var poll = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath("gw1") + "?wait=60");
        poll.Headers.TryAddWithoutValidation("Authorization", token);
        poll.Headers.TryAddWithoutValidation("If-None-Match", etag);
        var pending = Second.Anonymous.SendAsync(poll);
        await Task.Delay(200);
        Assert.False(pending.IsCompleted, "a poll for an unchanged revision is held");
        await First.PutOkAsync("/apis/echo", """{"path":"/echo","name":"v2","backend":{"urls":["http://127.0.0.1:9"]}}""");

        var response = await pending.WaitAsync(TimeSpan.FromSeconds(45));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.NotEqual(etag, response.Headers.ETag!.Tag);
    }
}
