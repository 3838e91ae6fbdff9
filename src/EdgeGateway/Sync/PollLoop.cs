using EdgeGateway.Configuration;
using EdgeGateway.Logging;
using Log = EdgeGateway.Sync.ManagementPlaneSync.Log;

namespace EdgeGateway.Sync;

/// <summary>
/// Asks the management plane for as long as the process runs: one <see cref="SnapshotPoller"/> ask after another, each outcome
/// recorded in <see cref="SyncStatus"/> (and logged once per change of state), with capped, jittered backoff while the plane is
/// away or refuses the token. A renewed token ends a backoff at once (<see cref="WakeUp"/>).
/// </summary>
internal sealed class PollLoop(SnapshotPoller poller, SyncStatus status, ConfigState state, ManagementPlaneClient client, GatewayTokenSource tokens,
    GatewaySettings settings, TimeProvider time, ILoggerFactory loggerFactory)
{
    private readonly ILogger logger = loggerFactory.CreateLogger(Log.Category);
    private readonly TaskCompletionSource firstAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile CancellationTokenSource? pausing;
    private int tokenChanged; // 1: a new token arrived since this round's request was sent
    private int failures;

    /// <summary>Completes after the first ask, whatever it came to.</summary>
    public Task FirstAnswer => firstAnswer.Task;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Exchange(ref tokenChanged, 0); // this request carries the newest token
            PollOutcome outcome;
            try
            {
                outcome = await poller.PollAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A bug must not end syncing silently while status still says "connected": log it, show it, back off, go on.
                Log.LoopFailed(logger, "sync loop", ex.Message, ex);
                outcome = new PollOutcome(PollResult.BadAnswer, $"unexpected error while syncing: {ex.GetType().Name}: {ex.Message}", state.Current?.Revision);
            }

            var pause = Record(outcome);
            firstAnswer.TrySetResult();

            // A token that arrived while the request was out (or before the pause is armed) ends the pause too.
            if (pause > TimeSpan.Zero && Volatile.Read(ref tokenChanged) == 0 && !await PauseAsync(pause, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>A new token was taken: a refused or backing-off gateway asks again now.</summary>
    public void WakeUp()
    {
        Interlocked.Exchange(ref tokenChanged, 1);
        try
        {
            pausing?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the pause just ended anyway
        }
    }

    /// <summary>Status and log for one outcome; returns how long to wait before the next ask.</summary>
    internal TimeSpan Record(PollOutcome outcome)
    {
        var now = time.GetUtcNow();
        failures = outcome.Failed ? failures + 1 : 0;
        if (outcome.Failed)
        {
            Telemetry.SyncTelemetry.SyncFailed(settings.Gateway.Id);
        }
        switch (outcome.Result)
        {
            case PollResult.Applied:
                status.Connected(now);
                Log.Applied(logger, outcome.Revision!.Value, state.Current?.Apis.Length ?? 0);
                return TimeSpan.Zero;
            case PollResult.NotModified:
                if (status.State != SyncState.Connected && outcome.Revision is { } served)
                {
                    Log.Connected(logger, client.BaseAddress.ToString(), served);
                }

                status.Connected(now);
                return outcome.AnsweredEarly ? settings.ManagementPlane.PollInterval : TimeSpan.Zero;
            case PollResult.Refused when outcome.Problem is null:
                return outcome.AnsweredEarly ? settings.ManagementPlane.PollInterval : TimeSpan.Zero;
            case PollResult.Refused:
                if (status.Problem(SyncState.Refused, $"snapshot refused: {outcome.Problem}", now))
                {
                    Log.Refused(logger, outcome.Problem);
                }

                return TimeSpan.Zero;
            case PollResult.Unauthorized:
                if (status.Problem(SyncState.Unauthorized, $"the management plane refused the gateway token ({outcome.Problem}): issue a new one "
                    + $"(POST /gateways/{{id}}/token) and set {tokens.Setting}", now))
                {
                    Log.Unauthorized(logger, outcome.Problem!, LogDates.Iso(status.TokenExpiry), tokens.Status.Fingerprint, tokens.Setting);
                }

                return Backoff();
            case PollResult.Unreachable:
                if (status.Problem(SyncState.Unreachable, $"management plane unreachable: {outcome.Problem}", now))
                {
                    Log.Unreachable(logger, client.BaseAddress.ToString(), outcome.Problem!, outcome.Revision is null ? "no config yet" : "serving the last good config");
                }

                return Backoff();
            default:
                if (status.Problem(SyncState.Error, outcome.Problem!, now))
                {
                    Log.BadAnswer(logger, outcome.Problem!);
                }

                return Backoff();
        }
    }

    private TimeSpan Backoff() => Hosting.Backoff.Delay(failures, TimeSpan.FromSeconds(0.5), settings.ManagementPlane.MaxBackoff);

    /// <summary>False when the process is stopping.</summary>
    private async Task<bool> PauseAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        pausing = wake;
        if (Volatile.Read(ref tokenChanged) == 1)
        {
            wake.Cancel();
        }

        try
        {
            await Task.Delay(pause, time, wake.Token);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return true; // woken early (a new token)
        }
        finally
        {
            pausing = null;
        }
    }
}
