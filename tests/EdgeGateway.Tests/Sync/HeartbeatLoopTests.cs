using System.Net;

namespace EdgeGateway.Tests.Sync;

/// <summary>Heartbeats on a fake clock: at start, on every interval, and as soon as a new revision is applied, coalesced.</summary>
public sealed class HeartbeatLoopTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly SyncHarness sync = new();
    private readonly CancellationTokenSource stop = new();

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
        sync.Dispose();
    }

    private async Task Apply(long revision)
    {
        sync.Answer = _ => SyncHarness.Respond(HttpStatusCode.OK, sync.Signed(revision), revision);
        await sync.Poller.PollAsync(CancellationToken.None);
    }

    private async Task BeatsAsync(int count)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (sync.Beats.Count < count)
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    [Fact]
    public async Task RunAsync_NewRevisionApplied_HeartbeatAtOnce_NotAtTheNextInterval()
    {
        await Apply(1);
        var loop = sync.Heartbeats.RunAsync(Task.CompletedTask, stop.Token);
        await BeatsAsync(1);

        await Apply(2);
        await BeatsAsync(2);

        Assert.Equal([1, 2], sync.Beats.Select(b => b.AppliedRevision));
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task RunAsync_BurstOfRevisionsWhileOneIsOut_OneExtraHeartbeatWithTheNewest()
    {
        await Apply(1);
        var release = new TaskCompletionSource<HttpStatusCode>(TaskCreationOptions.RunContinuationsAsynchronously);
        sync.Heartbeat = _ => release.Task;
        var loop = sync.Heartbeats.RunAsync(Task.CompletedTask, stop.Token);
        await BeatsAsync(1);

        for (var revision = 2; revision <= 6; revision++)
        {
            await Apply(revision);
        }

        sync.Heartbeat = _ => Task.FromResult(HttpStatusCode.NoContent);
        release.SetResult(HttpStatusCode.NoContent);
        await BeatsAsync(2);

        // The interval still runs: drive the clock until the next (periodic) beat.
        using var deadline = new CancellationTokenSource(Deadline);
        while (sync.Beats.Count < 3)
        {
            sync.Clock.Advance(sync.Settings.ManagementPlane.HeartbeatInterval);
            await Task.Delay(10, deadline.Token);
        }

        Assert.Equal([1, 6, 6], sync.Beats.Select(b => b.AppliedRevision));
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task RunAsync_SameRevisionFromAnotherSource_NoExtraHeartbeat()
    {
        var bytes = sync.Signed(4);
        sync.State.Apply(sync.FromBackup(bytes));
        var loop = sync.Heartbeats.RunAsync(Task.CompletedTask, stop.Token);
        await BeatsAsync(1);

        // The plane vouches for the backed-up revision: served from the plane now, but nothing new to tell it.
        sync.Answer = _ => SyncHarness.Respond(HttpStatusCode.OK, bytes, 4);
        await sync.Poller.PollAsync(CancellationToken.None);
        await Apply(5);
        await BeatsAsync(2);

        Assert.Equal([4, 5], sync.Beats.Select(b => b.AppliedRevision));
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task SendFinalAsync_SaysStopping()
    {
        await sync.Heartbeats.SendFinalAsync(CancellationToken.None);

        Assert.True(Assert.Single(sync.Beats).Stopping);
    }
}
