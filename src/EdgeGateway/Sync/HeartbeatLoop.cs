using EdgeGateway.Configuration;
using EdgeGateway.Routing;
using Log = EdgeGateway.Sync.ManagementPlaneSync.Log;

namespace EdgeGateway.Sync;

/// <summary>
/// Tells the management plane about this instance: once at start (after the first answer, so it reports what is applied), every
/// <c>ManagementPlane:HeartbeatInterval</c>, as soon as a new revision is applied (so the plane's view agrees within a second, not a
/// minute later), and once at stop. One heartbeat is out at a time: a burst of revisions during one sends a single extra one.
/// </summary>
internal sealed class HeartbeatLoop : IDisposable
{
    /// <summary>How long the start heartbeat waits for the first answer.</summary>
    private static readonly TimeSpan FirstAnswerWait = TimeSpan.FromSeconds(5);

    private readonly ManagementPlaneClient client;
    private readonly HeartbeatBuilder heartbeats;
    private readonly ConfigState state;
    private readonly TimeSpan interval;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly string? gatewayId;
    private TaskCompletionSource revisionApplied = NewSignal();
    private long reportedRevision = -1;

    public HeartbeatLoop(ManagementPlaneClient client, HeartbeatBuilder heartbeats, ConfigState state, GatewaySettings settings, TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        this.client = client;
        this.heartbeats = heartbeats;
        this.state = state;
        interval = settings.ManagementPlane.HeartbeatInterval;
        gatewayId = settings.Gateway.Id;
        this.time = time;
        logger = loggerFactory.CreateLogger(Log.Category);
        state.Applied += OnApplied;
    }

    public async Task RunAsync(Task firstAnswer, CancellationToken cancellationToken)
    {
        try
        {
            await firstAnswer.WaitAsync(FirstAnswerWait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            // Reset before the beat is built: a revision applied from here on is either in this beat or sends the next one at once.
            var applied = NewSignal();
            Volatile.Write(ref revisionApplied, applied);
            await SendAsync(stopping: false, TimeSpan.FromSeconds(10), cancellationToken);
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(interval, time, tick.Token);
            await Task.WhenAny(delay, applied.Task);
            await tick.CancelAsync();
        }
    }

    /// <summary>The last heartbeat: this instance is going away on purpose.</summary>
    public Task SendFinalAsync(CancellationToken cancellationToken) => SendAsync(stopping: true, TimeSpan.FromSeconds(2), cancellationToken);

    public void Dispose() => state.Applied -= OnApplied;

    private void OnApplied(GatewayRuntime runtime)
    {
        // The same revision from another source (a backup the plane vouched for) is nothing new to the plane.
        if (runtime.Revision != Interlocked.Read(ref reportedRevision))
        {
            Volatile.Read(ref revisionApplied).TrySetResult();
        }
    }

    private async Task SendAsync(bool stopping, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var heartbeat = heartbeats.Build(stopping);
            Interlocked.Exchange(ref reportedRevision, heartbeat.AppliedRevision);
            var code = await client.SendHeartbeatAsync(heartbeat, timeout, cancellationToken);
            if ((int)code >= 400)
            {
                Telemetry.SyncTelemetry.HeartbeatFailed(gatewayId);
                Log.HeartbeatFailed(logger, $"HTTP {(int)code}");
            }
            else
            {
                // Only an accepted beat empties the traffic window; a failed one's counts go out with the next beat.
                heartbeats.Accepted(heartbeat);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // The poll loop reports reachability; a failed heartbeat is only worth a debug line.
            Telemetry.SyncTelemetry.HeartbeatFailed(gatewayId);
            Log.HeartbeatFailed(logger, ManagementPlaneClient.Describe(ex));
        }
        catch (Exception ex)
        {
            // A bug must not end the heartbeats silently: log it; the next beat tries again.
            Log.LoopFailed(logger, "heartbeat loop", ex.Message, ex);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
