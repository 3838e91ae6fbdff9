using EdgeGateway.Configuration;
using EdgeGateway.Routing;

namespace EdgeGateway.Backup;

/// <summary>
/// Backs up every applied snapshot, off the request path: bursts coalesce to the newest revision, failures
/// retry with capped exponential backoff (the store's SDK retries inside each attempt), a newer snapshot
/// supersedes a failing one, and at shutdown a pending backup gets a bounded chance to finish. In hybrid mode it also
/// keeps the plane's latest signed confirmation beside the snapshots (once the revision it vouches for is backed up;
/// at most once per <see cref="ConfirmationRefresh"/> while the revision stays the same).
/// </summary>
internal sealed partial class BackupWriter : IHostedService, IDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FlushOnStop = TimeSpan.FromSeconds(5);

    /// <summary>What the status and heartbeat say when a snapshot with secret values is not backed up: the settings, never a value.</summary>
    internal const string PlaintextSecretsRefused =
        "not backed up: the snapshot holds secret named values and Backup:EncryptionKey is not set; set Backup:EncryptionKey, "
        + "or Backup:AllowPlaintextSecrets=true to store them in plain text";

    private readonly SnapshotBackups backups;
    private readonly ConfigState state;
    private readonly TimeProvider time;
    private readonly BackupStatus status;
    private readonly ILogger logger;
    private readonly SemaphoreSlim signal = new(0, 1);
    private readonly CancellationTokenSource stopping = new();
    private volatile GatewayRuntime? pending;
    private GatewayRuntime? lastWritten;
    private volatile bool draining;
    private Task loop = Task.CompletedTask;
    private readonly Trust.Confirmations? confirmations;
    private readonly TimeSpan confirmationRefresh;
    private volatile Trust.SignedConfirmation? pendingConfirmation;
    private Contracts.Signing.SnapshotConfirmation? lastConfirmation;

    /// <summary>How often an unchanged revision's confirmation is rewritten: a quarter of Trust:MaxSnapshotAge, at most a minute.</summary>
    public static TimeSpan ConfirmationRefresh(TimeSpan? maxSnapshotAge) =>
        maxSnapshotAge is { } max && max / 4 < TimeSpan.FromMinutes(1) ? max / 4 : TimeSpan.FromMinutes(1);

    private readonly IHostApplicationLifetime lifetime;
    private readonly bool allowPlaintextSecrets;

    public BackupWriter(SnapshotBackups backups, ConfigState state, TimeProvider time, BackupStatus status, IHostApplicationLifetime lifetime,
        GatewaySettings settings, ILoggerFactory loggerFactory, Trust.Confirmations? confirmations = null)
    {
        this.confirmations = confirmations;
        confirmationRefresh = ConfirmationRefresh(settings.Trust.MaxSnapshotAge);
        if (confirmations is not null)
        {
            confirmations.Received += EnqueueConfirmation;
        }

        this.lifetime = lifetime;
        allowPlaintextSecrets = settings.Backup.AllowPlaintextSecrets;
        this.backups = backups;
        this.state = state;
        this.time = time;
        this.status = status;
        logger = loggerFactory.CreateLogger("EdgeGateway.Backup");
        state.Applied += Enqueue;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (state.Current is { } current)
        {
            Enqueue(current);
        }

        // Writing a large backup must not compete with start-up: begin once the server listens.
        lifetime.ApplicationStarted.Register(() => loop = Task.Run(() => RunAsync(stopping.Token), CancellationToken.None));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        state.Applied -= Enqueue;
        Unsubscribe();
        draining = true;
        if (pending is { } unfinished && !ReferenceEquals(unfinished, lastWritten))
        {
            LogFlushing(logger, unfinished.Revision);
            stopping.CancelAfter(FlushOnStop);
            Wake();
        }
        else
        {
            await stopping.CancelAsync();
        }

        await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        state.Applied -= Enqueue;
        Unsubscribe();
        stopping.Dispose();
        signal.Dispose();
    }

    private void Enqueue(GatewayRuntime runtime)
    {
        if (runtime.FromBackup || runtime.Content.Length == 0 || ReferenceEquals(runtime, lastWritten))
        {
            return;
        }

        pending = runtime;
        status.Pending(runtime.Revision);
        Wake();
    }

    private void Unsubscribe()
    {
        if (confirmations is not null)
        {
            confirmations.Received -= EnqueueConfirmation;
        }
    }

    private void EnqueueConfirmation(Trust.SignedConfirmation signed)
    {
        var last = lastConfirmation;
        if (last is not null && last.Revision == signed.Confirmation.Revision && signed.Confirmation.IssuedAt - last.IssuedAt < confirmationRefresh)
        {
            return;
        }

        pendingConfirmation = signed;
        Wake();
    }

    /// <summary>The waiting confirmation, once the revision it vouches for is in the store (a restart must find both).</summary>
    private Trust.SignedConfirmation? TakeConfirmation()
    {
        var signed = pendingConfirmation;
        return signed is not null && state.Current is { } current && current.Revision == signed.Confirmation.Revision
            && (current.FromBackup || ReferenceEquals(current, lastWritten))
            && ReferenceEquals(Interlocked.CompareExchange(ref pendingConfirmation, null, signed), signed) ? signed : null;
    }

    private async Task WriteConfirmationAsync(Trust.SignedConfirmation signed, CancellationToken cancellationToken)
    {
        try
        {
            await backups.WriteConfirmationAsync(signed.Signed, cancellationToken);
            lastConfirmation = signed.Confirmation;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            // The next answer from the plane brings a new one: no retry loop of its own.
            if (status.Failed($"confirmation: {ex.Message}", time.GetUtcNow()))
            {
                LogConfirmationFailed(logger, backups.StoreName, ex.Message);
            }
        }
    }

    private void Wake()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // already signalled: the loop takes the newest pending one
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = pending;
            if (next is not null && ReferenceEquals(next, lastWritten))
            {
                Interlocked.CompareExchange(ref pending, null, next);
                continue;
            }

            if (next is null)
            {
                if (TakeConfirmation() is { } confirmation)
                {
                    await WriteConfirmationAsync(confirmation, cancellationToken);
                    continue;
                }

                if (draining)
                {
                    return; // flushed: stop now, not when the flush deadline runs out
                }

                try
                {
                    await signal.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            if (next.HoldsSecretValues && !backups.Encrypts && !allowPlaintextSecrets)
            {
                // Not a failure to retry: no attempt can succeed until the settings change. The config still serves.
                Interlocked.CompareExchange(ref pending, null, next);
                if (status.Refused(next.Revision, PlaintextSecretsRefused, time.GetUtcNow()))
                {
                    LogPlaintextSecretsRefused(logger, next.Revision, backups.StoreName);
                }

                continue;
            }

            try
            {
                var key = await backups.WriteAsync(next.Revision, next.Content, cancellationToken);
                Interlocked.CompareExchange(ref pending, null, next);
                lastWritten = next;
                attempt = 0;
                status.Succeeded(next.Revision, time.GetUtcNow());
                LogBackedUp(logger, next.Revision, key, backups.StoreName);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                LogNotFlushed(logger, next.Revision);
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                attempt++;
                var delay = Hosting.Backoff.Delay(attempt, TimeSpan.FromSeconds(1), MaxBackoff);
                if (status.Failed(ex.Message, time.GetUtcNow()))
                {
                    LogFailed(logger, next.Revision, backups.StoreName, ex.Message, delay.TotalSeconds);
                }

                try
                {
                    // A newer snapshot (signal) cuts the wait short.
                    await signal.WaitAsync(delay, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    LogNotFlushed(logger, next.Revision);
                    return;
                }
            }
        }
    }

    [LoggerMessage(41, LogLevel.Information, "Backed up revision {Revision} as {Key} in {Store}")]
    private static partial void LogBackedUp(ILogger logger, long revision, string key, string store);

    [LoggerMessage(42, LogLevel.Error, "Backup of revision {Revision} to {Store} failed: {Error}; retrying in {Seconds:0.#} s (the gateway keeps serving)")]
    private static partial void LogFailed(ILogger logger, long revision, string store, string error, double seconds);

    [LoggerMessage(45, LogLevel.Warning, "Writing the management plane's confirmation to {Store} failed: {Error}; the next answer from the plane brings a new one")]
    private static partial void LogConfirmationFailed(ILogger logger, string store, string error);

    [LoggerMessage(46, LogLevel.Warning, "Revision {Revision} holds secret named values and Backup:EncryptionKey is not set: not backed up to {Store}. "
        + "Set Backup:EncryptionKey, or Backup:AllowPlaintextSecrets=true to store secrets in plain text; the gateway keeps serving")]
    private static partial void LogPlaintextSecretsRefused(ILogger logger, long revision, string store);

    [LoggerMessage(43, LogLevel.Information, "Stopping: finishing the backup of revision {Revision}")]
    private static partial void LogFlushing(ILogger logger, long revision);

    [LoggerMessage(44, LogLevel.Warning, "Stopped before revision {Revision} was backed up")]
    private static partial void LogNotFlushed(ILogger logger, long revision);
}
