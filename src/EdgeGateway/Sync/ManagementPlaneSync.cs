using System.Net;
using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Sync;
using EdgeGateway.Routing;
using EdgeGateway.Trust;

namespace EdgeGateway.Sync;

/// <summary>
/// Hybrid mode: pulls signed snapshots from the management plane for as long as the process runs (long poll with
/// ETags, so a change arrives at once), verifies and applies them, and sends heartbeats (at start, every
/// <c>ManagementPlane:HeartbeatInterval</c>, and at stop). When the management plane is away or refuses the
/// token, the gateway keeps serving what it has (fail static), backs off with jitter and says so once.
/// </summary>
internal sealed partial class ManagementPlaneSync : IHostedService, IDisposable
{
    private readonly GatewaySettings settings;
    private readonly ConfigState state;
    private readonly ManagementPlaneClient client;
    private readonly SyncStatus status;
    private readonly HeartbeatBuilder heartbeats;
    private readonly Confirmations confirmations;
    private readonly GatewayTokenSource tokens;
    private volatile CancellationTokenSource? pausing;
    private int tokenChanged; // 1: a new token arrived since this round's request was sent
    private readonly IHostApplicationLifetime lifetime;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private Task pollLoop = Task.CompletedTask;
    private Task heartbeatLoop = Task.CompletedTask;
    private string? lastSeenETag;
    private string? refusedETag;
    private readonly TaskCompletionSource firstAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ManagementPlaneSync(GatewaySettings settings, ConfigState state, ManagementPlaneClient client, SyncStatus status,
        HeartbeatBuilder heartbeats, Confirmations confirmations, GatewayTokenSource tokens, IHostApplicationLifetime lifetime, TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        this.tokens = tokens;
        this.confirmations = confirmations;
        this.settings = settings;
        this.state = state;
        this.client = client;
        this.status = status;
        this.heartbeats = heartbeats;
        this.lifetime = lifetime;
        this.time = time;
        logger = loggerFactory.CreateLogger("EdgeGateway.Sync");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(client.BaseAddress.Host, out var ip) ? client.BaseAddress.Host != "localhost" && client.BaseAddress.Scheme == "http"
            : client.BaseAddress.Scheme == "http" && !IPAddress.IsLoopback(ip))
        {
            LogPlainHttp(logger, client.BaseAddress.ToString());
        }

        if (status.TokenExpiry is { } expiry && expiry - time.GetUtcNow() < TimeSpan.FromDays(3))
        {
            LogTokenExpiring(logger, tokens.Setting, expiry);
        }

        if (state.Current is null)
        {
            StartLoops();
            _ = Task.Run(() => StartupDeadlineAsync(stopping.Token), CancellationToken.None);
        }
        else
        {
            // Serving from a backup already: let the server listen first, then ask (a few ms later, not competing for the 2 cores).
            lifetime.ApplicationStarted.Register(StartLoops);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await Task.WhenAll(pollLoop, heartbeatLoop).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        // The last heartbeat says this instance is going away on purpose.
        try
        {
            await client.SendHeartbeatAsync(heartbeats.Build(stopping: true), TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogHeartbeatFailed(logger, ex.Message);
        }
    }

    public void Dispose() => stopping.Dispose();

    private void StartLoops()
    {
        // A renewed token ends a backoff at once: the refused gateway asks again with it.
        tokens.Changed += WakeUp;
        tokens.StartWatching();
        pollLoop = Task.Run(() => PollLoopAsync(stopping.Token), CancellationToken.None);
        heartbeatLoop = Task.Run(() => HeartbeatLoopAsync(stopping.Token), CancellationToken.None);
    }

    private void WakeUp()
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

    private async Task PollLoopAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Without an ETag the ask does not wait: a starting gateway wants whatever is newest now. With one
            // (even of a refused snapshot) it long-polls, so a refusal never turns into a busy loop.
            var etag = lastSeenETag ?? (state.Current is { FromBackup: false } c ? SyncProtocol.ETag(c.Revision) : null);
            var wait = etag is null ? TimeSpan.Zero : settings.ManagementPlane.LongPollWait;
            var started = time.GetTimestamp();
            Interlocked.Exchange(ref tokenChanged, 0); // this request carries the newest token
            TimeSpan pause;
            try
            {
                var response = await client.GetSnapshotAsync(etag, wait, cancellationToken);
                pause = Handle(response, wait, time.GetElapsedTime(started), ref failures);
                if (response.Status is HttpStatusCode.OK or HttpStatusCode.NotModified && state.Current is { } served)
                {
                    confirmations.Receive(response.Confirmation, served.Revision);
                }

                firstAnswer.TrySetResult();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                failures++;
                firstAnswer.TrySetResult();
                if (status.Problem("unreachable", $"management plane unreachable: {Describe(ex)}", time.GetUtcNow()))
                {
                    LogUnreachable(logger, client.BaseAddress.ToString(), Describe(ex), state.Current is null ? "no config yet" : "serving the last good config");
                }

                pause = Backoff(failures);
            }

            // A token that arrived while the request was out (or before the pause is armed) ends the pause too.
            if (pause > TimeSpan.Zero && Volatile.Read(ref tokenChanged) == 0)
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
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (OperationCanceledException)
                {
                    // woken early (a new token)
                }
                finally
                {
                    pausing = null;
                }
            }
        }
    }

    private TimeSpan Handle(SnapshotResponse response, TimeSpan wait, TimeSpan elapsed, ref int failures)
    {
        var now = time.GetUtcNow();
        switch (response.Status)
        {
            case HttpStatusCode.OK when response.TooLarge:
                // Refused like a bad snapshot: the last good config keeps serving, and the ETag makes the next ask a long poll.
                failures = 0;
                lastSeenETag = response.ETag;
                Refuse($"the answer is larger than ManagementPlane:MaxSnapshotBytes ({settings.ManagementPlane.MaxSnapshotBytes} bytes): "
                    + "not read; raise the setting if the snapshot is really that large", now);
                return TimeSpan.Zero;
            case HttpStatusCode.OK when response.Body is not null:
                failures = 0;
                lastSeenETag = response.ETag;
                Apply(response.Body, now);
                return TimeSpan.Zero;
            case HttpStatusCode.NotModified:
                failures = 0;
                if (refusedETag is not null && refusedETag == lastSeenETag)
                {
                    // Still the snapshot we refused: stay "refused", do not pretend all is well.
                }
                else
                {
                    if (status.State != "connected" && state.Current is { } served)
                    {
                        LogConnected(logger, client.BaseAddress.ToString(), served.Revision);
                    }

                    status.Connected(now);
                }

                // No wait asked (LongPollWait 0: plain polling), or a 304 long before the wait ran out (the server
                // does not hold polls): ask again after PollInterval, never back to back.
                return wait == TimeSpan.Zero || elapsed < wait / 2 ? settings.ManagementPlane.PollInterval : TimeSpan.Zero;
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                failures++;
                var detail = response.ProblemDetail ?? "token refused";
                if (status.Problem("unauthorized", $"the management plane refused the gateway token ({detail}): issue a new one "
                    + $"(POST /gateways/{{id}}/token) and set {tokens.Setting}", now))
                {
                    LogUnauthorized(logger, detail, status.TokenExpiry, tokens.Status.Fingerprint, tokens.Setting);
                }

                return Backoff(failures);
            default:
                failures++;
                var problem = $"management plane answered {(int)response.Status}{(response.ProblemDetail is null ? "" : $": {response.ProblemDetail}")}";
                if (status.Problem("error", problem, now))
                {
                    LogBadAnswer(logger, problem);
                }

                return Backoff(failures);
        }
    }

    private void Apply(byte[] body, DateTimeOffset now)
    {
        var load = SnapshotLoader.Load(body, settings.TrustKey, settings.Validation);
        var current = state.Current;
        // The guard holds after a start from a backup too: an old signed snapshot (with revoked keys) must not come back
        // through a restart. A plane whose state was reset starts over at low revisions: its gateways' backups must go.
        string? refusal = !load.Succeeded ? string.Join("; ", load.Problems)
            : current is not null && load.Snapshot!.Revision < current.Revision
                ? $"revision {load.Snapshot.Revision} is older than the {(current.FromBackup ? "backed-up" : "applied")} revision {current.Revision} (refusing a rollback"
                    + (current.FromBackup ? "; if the management plane's state was reset, delete this gateway's backups" : "") + ")"
                : null;
        if (refusal is not null)
        {
            Refuse(refusal, now);
            return;
        }

        var snapshot = load.Snapshot!;
        refusedETag = null;
        if (current is not null && snapshot.Revision == current.Revision)
        {
            // The same revision (re-signed after a plane restart, or what a backup already holds): nothing new.
            status.Connected(now);
            return;
        }

        state.Apply(new GatewayRuntime(snapshot, $"managementPlane:{client.BaseAddress}", now, body));
        status.Connected(now);
        LogApplied(logger, snapshot.Revision, snapshot.Apis?.Count ?? 0);
    }

    private void Refuse(string refusal, DateTimeOffset now)
    {
        refusedETag = lastSeenETag;
        state.Refuse("management plane", [refusal]);
        if (status.Problem("refused", $"snapshot refused: {refusal}", now))
        {
            LogRefused(logger, refusal);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        // The start heartbeat waits for the first answer (at most a few seconds), so it reports what is applied.
        try
        {
            await firstAnswer.Task.WaitAsync(TimeSpan.FromSeconds(5), time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.ManagementPlane.HeartbeatInterval, time);
        do
        {
            try
            {
                var code = await client.SendHeartbeatAsync(heartbeats.Build(stopping: false), TimeSpan.FromSeconds(10), cancellationToken);
                if ((int)code >= 400)
                {
                    LogHeartbeatFailed(logger, $"HTTP {(int)code}");
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                // The poll loop reports reachability; a failed heartbeat is only worth a debug line.
                LogHeartbeatFailed(logger, Describe(ex));
            }
        }
        while (await WaitTick(timer, cancellationToken));
    }

    private static async Task<bool> WaitTick(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Nothing usable anywhere: do not pretend. Exit non-zero, naming what was tried.</summary>
    private async Task StartupDeadlineAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(settings.ManagementPlane.StartupTimeout, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (state.Current is not null)
        {
            return;
        }

        var backup = settings.BackupStore is null ? "no backup store (Backup:Provider is none)" : $"no valid backup in {settings.BackupStore.Name}";
        LogGivingUp(logger, settings.ManagementPlane.StartupTimeout, client.BaseAddress.ToString(), status.LastError ?? "no answer", backup);
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }

    private TimeSpan Backoff(int failures) => Hosting.Backoff.Delay(failures, TimeSpan.FromSeconds(0.5), settings.ManagementPlane.MaxBackoff);

    private static string Describe(Exception ex) => ex switch
    {
        HttpRequestException { InnerException: { } inner } when !ex.Message.Contains(inner.Message, StringComparison.Ordinal) => $"{ex.Message} ({inner.Message})",
        OperationCanceledException => "timed out",
        _ => ex.Message,
    };

    [LoggerMessage(60, LogLevel.Information, "Applied revision {Revision} from the management plane ({ApiCount} APIs)")]
    private static partial void LogApplied(ILogger logger, long revision, int apiCount);

    [LoggerMessage(61, LogLevel.Warning, "Management plane {Url} unreachable ({Error}); {Serving}; retrying with backoff")]
    private static partial void LogUnreachable(ILogger logger, string url, string error, string serving);

    [LoggerMessage(62, LogLevel.Error, "THE GATEWAY TOKEN WAS REFUSED ({Detail}; token expiry {Expiry}, fingerprint {Fingerprint}): still serving the last good config, but no changes arrive until {Setting} is renewed")]
    private static partial void LogUnauthorized(ILogger logger, string detail, DateTimeOffset? expiry, string fingerprint, string setting);

    [LoggerMessage(63, LogLevel.Information, "Connected to the management plane {Url}; serving revision {Revision}")]
    private static partial void LogConnected(ILogger logger, string url, long revision);

    [LoggerMessage(64, LogLevel.Error, "Snapshot from the management plane refused, the previous config keeps serving: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(65, LogLevel.Warning, "{Problem}; serving the last good config and retrying with backoff")]
    private static partial void LogBadAnswer(ILogger logger, string problem);

    [LoggerMessage(66, LogLevel.Debug, "Heartbeat not delivered: {Error}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string error);

    [LoggerMessage(67, LogLevel.Critical, "No config after ManagementPlane:StartupTimeout ({Timeout}): the management plane {Url} gave none ({Error}) and there is {Backup}. Exiting; check ManagementPlane:Url, ManagementPlane:Token, Gateway:Id, Trust:SigningKey and Backup:*")]
    private static partial void LogGivingUp(ILogger logger, TimeSpan timeout, string url, string error, string backup);

    [LoggerMessage(69, LogLevel.Warning, "{Setting}: the token expires at {Expiry:u}: issue a new one (POST /gateways/{{id}}/token) before then; the gateway keeps serving after, but gets no changes")]
    private static partial void LogTokenExpiring(ILogger logger, string setting, DateTimeOffset expiry);

    [LoggerMessage(68, LogLevel.Warning, "ManagementPlane:Url {Url} is plain http to a non-loopback host: snapshots are signed, but the token travels in clear text; use https or a TLS sidecar")]
    private static partial void LogPlainHttp(ILogger logger, string url);
}
