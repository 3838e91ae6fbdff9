using System.Net;
using EdgeGateway.Contracts.Sync;

namespace EdgeGateway.Tests.Sync;

/// <summary>The traffic window heartbeats carry: what is counted, and that only an accepted beat empties it.</summary>
public sealed class TrafficWindowTests : IDisposable
{
    private readonly SyncHarness sync = new();

    public void Dispose() => sync.Dispose();

    private void Serve(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            sync.Counters.Record(status, TimeSpan.FromMilliseconds(status >= 500 ? 900 : 3), answeredByBackend: false);
        }
    }

    [Fact]
    public void Peek_MixOfAnswers_CountsRequestsErrorsRejectionsAndDurations()
    {
        Serve(200, 200, 204, 401, 403, 429, 404, 502, 503);

        var traffic = sync.Counters.Peek(10);

        Assert.Equal(9, traffic.Requests);
        Assert.Equal(2, traffic.Errors);
        Assert.Equal(3, traffic.Rejections);
        Assert.Equal(7, traffic.DurationBuckets![TrafficBuckets.IndexOf(3)]);
        Assert.Equal(2, traffic.DurationBuckets[TrafficBuckets.IndexOf(900)]);
        Assert.Equal(9, traffic.DurationBuckets.Sum());
        // 9 requests: the 9th (nearest rank of 95 %) is a slow one.
        Assert.InRange(traffic.P95Ms!.Value, 600, 1300);
        Assert.Equal(9, sync.Counters.Total);
        Assert.Equal(2, sync.Counters.Failed);
    }

    [Fact]
    public void Peek_BackendsOwn401403429_AreNotRejections()
    {
        foreach (var status in new[] { 401, 403, 429 })
        {
            sync.Counters.Record(status, TimeSpan.FromMilliseconds(3), answeredByBackend: true); // the backend's own authorisation said no
        }

        sync.Counters.Record(403, TimeSpan.FromMilliseconds(3), answeredByBackend: false); // an ip-filter of the gateway's

        var traffic = sync.Counters.Peek(10);
        Assert.Equal(4, traffic.Requests);
        Assert.Equal(1, traffic.Rejections);
    }

    [Fact]
    public async Task Heartbeat_RefusedThenAccepted_RefusedWindowCarriesOver_AcceptedOneIsTakenOut()
    {
        var answers = new Queue<HttpStatusCode>([HttpStatusCode.ServiceUnavailable, HttpStatusCode.NoContent, HttpStatusCode.NoContent]);
        sync.Heartbeat = _ => Task.FromResult(answers.Dequeue());

        Serve(200, 401, 502);
        sync.Clock.Advance(TimeSpan.FromSeconds(30));
        await sync.Heartbeats.SendFinalAsync(CancellationToken.None); // refused (503)
        Serve(200, 200);
        sync.Clock.Advance(TimeSpan.FromSeconds(30));
        await sync.Heartbeats.SendFinalAsync(CancellationToken.None); // accepted
        Serve(429);
        sync.Clock.Advance(TimeSpan.FromSeconds(15));
        await sync.Heartbeats.SendFinalAsync(CancellationToken.None); // accepted

        var beats = sync.Beats.Select(b => b.Traffic!).ToList();
        Assert.Equal([3L, 5L, 1L], beats.Select(t => t.Requests));
        Assert.Equal([1L, 1L, 0L], beats.Select(t => t.Errors));
        Assert.Equal([1L, 1L, 1L], beats.Select(t => t.Rejections));
        Assert.Equal([30.0, 60.0, 15.0], beats.Select(t => t.WindowSeconds));
        Assert.Equal(1, beats[2].DurationBuckets!.Sum());
        Assert.Null(sync.Counters.Peek(0).P95Ms);
        Assert.Equal(6, sync.Counters.Total);
    }

    [Fact]
    public async Task Heartbeat_UnreachablePlane_WindowCarriesOver()
    {
        var calls = 0;
        sync.Heartbeat = _ => ++calls == 1 ? throw new HttpRequestException("connection refused") : Task.FromResult(HttpStatusCode.NoContent);

        Serve(200, 200);
        await sync.Heartbeats.SendFinalAsync(CancellationToken.None);
        await sync.Heartbeats.SendFinalAsync(CancellationToken.None);

        Assert.Equal([2L, 2L], sync.Beats.Select(b => b.Traffic!.Requests));
        Assert.Equal(0, sync.Counters.Peek(0).Requests);
    }
}
