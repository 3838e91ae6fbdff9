using System.Collections.Concurrent;

namespace EdgeGateway.Telemetry.Export;

/// <summary>
/// The host's logger provider for exported logs, registered at start but connected to OpenTelemetry's only once the
/// providers are built (after the server listens, so exporters never delay the first request). Records written before
/// that wait in a bounded queue (<see cref="MaxPending"/>; more are dropped) and are replayed once connected: the start-up
/// lines still reach the backend.
/// </summary>
internal sealed class DeferredLoggerProvider : ILoggerProvider
{
    public const int MaxPending = 1000;

    private readonly ConcurrentQueue<Action<ILoggerFactory>> pending = new();
    private int pendingCount;
    private volatile ILoggerFactory? target;

    public ILogger CreateLogger(string categoryName) => new DeferredLogger(this, categoryName);

    /// <summary>From now on records go to <paramref name="factory"/>; the queued ones first.</summary>
    public void Connect(ILoggerFactory factory)
    {
        // Under the lock a logger either saw no target and has enqueued already (drained below), or sees this one.
        lock (pending)
        {
            target = factory;
        }

        while (pending.TryDequeue(out var replay))
        {
            replay(factory);
        }
    }

    public void Dispose()
    {
    }

    private sealed class DeferredLogger(DeferredLoggerProvider owner, string category) : ILogger
    {
        private ILogger? inner;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (owner.target is null)
            {
                lock (owner.pending)
                {
                    if (owner.target is null)
                    {
                        if (++owner.pendingCount <= MaxPending)
                        {
                            owner.pending.Enqueue(f => f.CreateLogger(category).Log(logLevel, eventId, state, exception, formatter));
                        }

                        return;
                    }
                }
            }

            (inner ??= owner.target!.CreateLogger(category)).Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
