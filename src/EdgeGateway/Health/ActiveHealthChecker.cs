using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Routing;

namespace EdgeGateway.Health;

/// <summary>
/// Probes the destinations of every API that asks for it, off the request path. Each config swap
/// replaces the probe loops; a destination that fails <c>unhealthyThreshold</c> probes in a row gets
/// no traffic until it passes <c>healthyThreshold</c> probes.
/// </summary>
internal sealed partial class ActiveHealthChecker : IHostedService, IDisposable
{
    private readonly ConfigState state;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly HttpClient client;
    private readonly Lock gate = new();
    private CancellationTokenSource? loops;
    private bool stopped;

    public ActiveHealthChecker(ConfigState state, TimeProvider time, ILoggerFactory loggerFactory)
    {
        this.state = state;
        this.time = time;
        logger = loggerFactory.CreateLogger("EdgeGateway.ActiveHealthChecker");
        client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        state.Applied += Restart;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (state.Current is { } runtime)
        {
            Restart(runtime);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            stopped = true;
            loops?.Cancel();
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        state.Applied -= Restart;
        loops?.Dispose();
        client.Dispose();
    }

    private void Restart(GatewayRuntime runtime)
    {
        lock (gate)
        {
            loops?.Cancel();
            loops?.Dispose();
            loops = null;
            if (stopped)
            {
                return;
            }

            var clusters = runtime.Apis.Select(a => a.Cluster).Where(c => c.HealthCheck is not null).ToList();
            if (clusters.Count == 0)
            {
                return;
            }

            loops = new CancellationTokenSource();
            var token = loops.Token; // captured under the lock: a later swap must not hand these loops its token
            foreach (var cluster in clusters)
            {
                _ = Task.Run(() => ProbeLoopAsync(cluster, token), CancellationToken.None);
            }
        }
    }

    private async Task ProbeLoopAsync(BackendCluster cluster, CancellationToken cancellationToken)
    {
        var hc = cluster.HealthCheck!;
        var interval = hc.Interval ?? HealthCheckDefaults.Interval;
        var timeout = hc.Timeout ?? HealthCheckDefaults.Timeout(interval);
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                await Task.WhenAll(cluster.Destinations.Select(d => ProbeAsync(cluster, d, hc.Path!, timeout,
                    hc.UnhealthyThreshold ?? HealthCheckDefaults.Threshold, hc.HealthyThreshold ?? HealthCheckDefaults.Threshold, cancellationToken)));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Config swapped or host stopping.
        }
    }

    private async Task ProbeAsync(BackendCluster cluster, Destination destination, string path, TimeSpan timeout,
        int unhealthyThreshold, int healthyThreshold, CancellationToken cancellationToken)
    {
        bool ok;
        using (var probeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            probeTimeout.CancelAfter(timeout);
            try
            {
                using var response = await client.GetAsync(destination.Address + path, HttpCompletionOption.ResponseHeadersRead, probeTimeout.Token);
                ok = response.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                ok = false;
            }
        }

        if (ok)
        {
            destination.ConsecutiveFailures = 0;
            destination.ConsecutiveSuccesses++;
            if (!destination.IsHealthy && destination.ConsecutiveSuccesses >= healthyThreshold)
            {
                destination.SetHealthy(true);
                LogHealthy(logger, cluster.ApiId, destination.Address);
            }
        }
        else
        {
            destination.ConsecutiveSuccesses = 0;
            destination.ConsecutiveFailures++;
            if (destination.IsHealthy && destination.ConsecutiveFailures >= unhealthyThreshold)
            {
                destination.SetHealthy(false);
                LogUnhealthy(logger, cluster.ApiId, destination.Address);
            }
        }
    }

    [LoggerMessage(20, LogLevel.Warning, "API {ApiId}: destination {Address} failed its health check and gets no traffic")]
    private static partial void LogUnhealthy(ILogger logger, string apiId, string address);

    [LoggerMessage(21, LogLevel.Information, "API {ApiId}: destination {Address} is healthy again")]
    private static partial void LogHealthy(ILogger logger, string apiId, string address);
}
