using System.Net;
using EdgeGateway.Configuration;
using EdgeGateway.Logging;

namespace EdgeGateway.Sync;

/// <summary>
/// Hybrid mode, as a hosted service: starts the <see cref="PollLoop"/> and the <see cref="HeartbeatLoop"/> with the process (at once
/// when there is no config yet, with a <see cref="StartupDeadline"/>; once the server listens when a backup already serves) and
/// stops them with it, sending the last heartbeat. When the plane is away or refuses the token, the gateway keeps serving what it
/// has (fail static).
/// </summary>
internal sealed partial class ManagementPlaneSync(PollLoop poll, HeartbeatLoop heartbeats, StartupDeadline deadline, ConfigState state,
    ManagementPlaneClient client, GatewayTokenSource tokens, IHostApplicationLifetime lifetime, TimeProvider time, ILoggerFactory loggerFactory)
    : IHostedService, IDisposable
{
    private readonly ILogger logger = loggerFactory.CreateLogger(Log.Category);
    private readonly CancellationTokenSource stopping = new();
    private Task running = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var url = client.BaseAddress;
        if (url.Scheme == "http" && (IPAddress.TryParse(url.Host, out var ip) ? !IPAddress.IsLoopback(ip) : url.Host != "localhost"))
        {
            Log.PlainHttp(logger, url.ToString());
        }

        if (tokens.Expiry - time.GetUtcNow() < TimeSpan.FromDays(3))
        {
            Log.TokenExpiring(logger, tokens.Setting, LogDates.Iso(tokens.Expiry));
        }

        if (state.Current is null)
        {
            Start();
            _ = Task.Run(() => deadline.RunAsync(stopping.Token), CancellationToken.None);
        }
        else
        {
            // Serving from a backup already: let the server listen first, then ask (a few ms later, not competing for the 2 cores).
            lifetime.ApplicationStarted.Register(Start);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        tokens.Changed -= poll.WakeUp;
        await stopping.CancelAsync();
        await running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await heartbeats.SendFinalAsync(cancellationToken);
    }

    public void Dispose() => stopping.Dispose();

    private void Start()
    {
        // A renewed token ends a backoff at once: the refused gateway asks again with it.
        tokens.Changed += poll.WakeUp;
        tokens.StartWatching();
        running = Task.WhenAll(
            Task.Run(() => poll.RunAsync(stopping.Token), CancellationToken.None),
            Task.Run(() => heartbeats.RunAsync(poll.FirstAnswer, stopping.Token), CancellationToken.None));
    }
}
