using System.Security.Cryptography.X509Certificates;

namespace EdgeGateway.Policies.Auth;

/// <summary>
/// The process's <see cref="BackendClient"/>s by certificate thumbprint: a revision that uses the same certificate as the one
/// before gets the same client (its open connections with it); once the applied config no longer uses one, it is disposed
/// after <see cref="Grace"/>, so requests the old revision still has in flight finish on it.
/// </summary>
internal sealed partial class BackendCertificates(TimeProvider time, Func<ILogger> logger)
{
    /// <summary>
    /// How long a client the current config does not use stays open for the previous config's requests: longer than the
    /// longest call that may still use it, a send-request through an authentication-certificate child (up to
    /// <see cref="Contracts.Policies.SendRequestPolicy.MaxTimeoutSeconds"/> s), with a minute to spare.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(Contracts.Policies.SendRequestPolicy.MaxTimeoutSeconds) + TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, BackendClient> clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock gate = new();

    /// <summary>The client presenting <paramref name="certificate"/> (which it takes over: disposed here when not kept).</summary>
    public BackendClient Get(X509Certificate2 certificate)
    {
        lock (gate)
        {
            if (clients.TryGetValue(certificate.Thumbprint, out var existing))
            {
                certificate.Dispose();
                return existing;
            }

            var client = new BackendClient(certificate, time, new DeferredLogger(logger));
            clients[certificate.Thumbprint] = client;
            LogCreated(logger(), certificate.Thumbprint, certificate.Subject);
            return client;
        }
    }

    /// <summary>After a config is applied: the clients it does not use are disposed once <see cref="Grace"/> has passed.</summary>
    public void Keep(IReadOnlySet<string> thumbprints)
    {
        List<BackendClient> unused = [];
        lock (gate)
        {
            foreach (var (thumbprint, client) in clients)
            {
                if (!thumbprints.Contains(thumbprint))
                {
                    unused.Add(client);
                }
            }

            foreach (var client in unused)
            {
                clients.Remove(client.Certificate.Thumbprint);
            }
        }

        if (unused.Count > 0)
        {
            ITimer? timer = null;
            timer = time.CreateTimer(_ =>
            {
                foreach (var client in unused)
                {
                    LogDisposed(logger(), client.Certificate.Thumbprint);
                    client.Dispose();
                }

                timer?.Dispose();
            }, null, Grace, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>How many clients are open: for tests.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return clients.Count;
            }
        }
    }

    [LoggerMessage(1230, LogLevel.Information, "Backend client for certificate {Thumbprint} ({Subject}) created (authentication-certificate)")]
    private static partial void LogCreated(ILogger logger, string thumbprint, string subject);

    [LoggerMessage(1231, LogLevel.Debug, "Backend client for certificate {Thumbprint} disposed: the applied config no longer uses it")]
    private static partial void LogDisposed(ILogger logger, string thumbprint);

    /// <summary>The policies' logger as it is when a message is written (the first config compiles before the host's logging exists).</summary>
    private sealed class DeferredLogger(Func<ILogger> logger) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => logger().BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logger().IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logger().Log(logLevel, eventId, state, exception, formatter);
    }
}
