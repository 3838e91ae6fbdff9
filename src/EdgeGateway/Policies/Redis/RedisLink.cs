using StackExchange.Redis;

namespace EdgeGateway.Policies.Redis;

/// <summary>
/// One Redis connection (a StackExchange.Redis multiplexer, which pipelines overlapping calls on one socket) and whether it
/// is worth a call right now. Connects in the background so the gateway's start never waits on Redis, and keeps
/// reconnecting by itself. An outage is logged once when it starts and once when it ends, whether the multiplexer's events
/// or a failed call notice it first. While it is down, calls are not tried (they would only fail or wait) except one probe
/// a second while the socket says it is up: a successful probe ends the outage even if no event says so.
/// </summary>
internal sealed class RedisLink : IAsyncDisposable
{
    /// <summary>Each call's bound when the connection string does not set <c>asyncTimeout</c>: a hung Redis must not hang requests.</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(1);

    private static readonly long ProbeEvery = TimeSpan.FromSeconds(1).Ticks;

    private static readonly long CallErrorLogEvery = TimeSpan.FromMinutes(1).Ticks;

    /// <summary>The longest wait between attempts when even starting a connection fails.</summary>
    private static readonly TimeSpan MaxConnectRetry = TimeSpan.FromSeconds(30);

    private readonly ConfigurationOptions options;
    private readonly string fallback;
    private readonly string downState;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private ILogger logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private ConnectionMultiplexer? multiplexer;
    private IDatabase? database;
    private volatile bool up;
    private bool everUp;
    private bool outageLogged;
    private DateTimeOffset since;
    private string? lastError;
    private long nextProbeTicks;
    private long nextCallErrorLogTicks;
    private readonly CancellationTokenSource stopping = new();
    private Task connecting = Task.CompletedTask;

    /// <param name="uses">What it serves, for log lines and the status (<c>rate-limit counters</c>).</param>
    /// <param name="connectionString">Checked at start (<see cref="RedisSettings"/>); never logged, it may hold a password.</param>
    /// <param name="fallback">What happens while it is down, for the log line (<c>counting in this process</c>).</param>
    /// <param name="time">The clock of outages and probes.</param>
    /// <param name="downState">The status's state while it is down: <c>fallback</c>, or <c>refusing</c> (counters failing closed).</param>
    public RedisLink(string uses, string connectionString, string fallback, TimeProvider time, string downState = "fallback")
    {
        Uses = uses;
        this.fallback = fallback;
        this.downState = downState;
        this.time = time;
        options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        // Fail at once while disconnected instead of queueing: the caller falls back (or answers 503) without waiting.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        if (connectionString.IndexOf("asyncTimeout", StringComparison.OrdinalIgnoreCase) < 0)
        {
            options.AsyncTimeout = (int)DefaultCallTimeout.TotalMilliseconds;
        }

        options.ClientName ??= "edgegateway";
        // Exception messages reach the status (lastError) and the log: without the command's keys and values in them.
        options.IncludeDetailInExceptions = false;
        // Host:port only: the text an operator needs, without the password.
        Servers = string.Join(", ", options.EndPoints.Select(EndPointCollection.ToString));
        since = time.GetUtcNow();
    }

    public string Uses { get; }

    public string Servers { get; }

    /// <summary>Up: calls go to Redis. Down (or not yet connected): the stores fall back.</summary>
    public bool IsUp => up;

    /// <summary>Has answered at least once since the start (closed mode's readiness waits for it).</summary>
    public bool EverConnected
    {
        get
        {
            lock (gate)
            {
                return everUp;
            }
        }
    }

    /// <summary>Raised after every (re)connection, on a background thread: stores load their scripts then.</summary>
    public event Action<IConnectionMultiplexer>? Connected;

    /// <summary>Starts connecting in the background; returns at once.</summary>
    public void Start(ILogger logger)
    {
        this.logger = logger;
        RedisLog.Connecting(logger, Uses, Servers);
        connecting = Task.Run(ConnectAsync);
    }

    /// <summary>The database to call, or null when the caller should fall back now (Redis down and no probe due).</summary>
    public IDatabase? Database()
    {
        if (up)
        {
            return database;
        }

        var mux = multiplexer;
        if (mux is null || !mux.IsConnected)
        {
            return null;
        }

        // Down, yet the socket is up (a restored event not seen yet, or a server that stopped answering): one probe a second.
        var now = time.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref nextProbeTicks);
        return now >= next && Interlocked.CompareExchange(ref nextProbeTicks, now + ProbeEvery, next) == next ? database : null;
    }

    /// <summary>A call answered: ends an outage.</summary>
    public void Succeeded()
    {
        if (!up)
        {
            MarkUp();
        }
    }

    /// <summary>A call failed (unreachable, timed out): starts an outage, logged once.</summary>
    public void Failed(Exception error) => MarkDown(error.GetType().Name + ": " + error.Message);

    /// <summary>
    /// A call Redis refused (a key of the wrong type, a script error, OOM): not an outage, only that call fails. Logged at
    /// most once a minute: it is a misconfiguration an operator should see, without a line per request.
    /// </summary>
    public void CallFailed(Exception error)
    {
        if (error is RedisServerException)
        {
            Succeeded(); // it answered
        }

        var now = time.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref nextCallErrorLogTicks);
        if (now >= next && Interlocked.CompareExchange(ref nextCallErrorLogTicks, now + CallErrorLogEvery, next) == next)
        {
            RedisLog.CallFailed(logger, Uses, Servers, Shorten(error.GetType().Name + ": " + error.Message));
        }
    }

    public RedisLinkStatus Status(DateTimeOffset now)
    {
        lock (gate)
        {
            var state = up ? "connected" : !everUp && lastError is null ? "connecting" : downState;
            return new RedisLinkStatus(true, Servers, state, since, (long)(now - since).TotalSeconds, up ? null : lastError);
        }
    }

    /// <summary>Stops connecting (waiting for a connection still being made, so none outlives the link) and closes it.</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await connecting;
        }
        catch (OperationCanceledException)
        {
            // stopped while waiting to retry
        }

        if (multiplexer is { } mux)
        {
            await mux.CloseAsync(allowCommandsToComplete: false);
            mux.Dispose();
        }
    }

    /// <summary>
    /// Makes the multiplexer, which then reconnects by itself. Making it can itself fail (a name that does not resolve,
    /// a bad certificate setting): then any exception is logged as the outage and retried with a growing wait, so the link
    /// never stays "connecting" for good.
    /// </summary>
    private async Task ConnectAsync()
    {
        var wait = TimeSpan.FromSeconds(1);
        ConnectionMultiplexer mux;
        while (true)
        {
            try
            {
                mux = await ConnectionMultiplexer.ConnectAsync(options);
                break;
            }
            catch (Exception ex)
            {
                MarkDown(ex.GetType().Name + ": " + ex.Message);
            }

            try
            {
                await Task.Delay(wait, time, stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxConnectRetry.Ticks));
        }

        if (stopping.IsCancellationRequested)
        {
            // Disposed while connecting: close it here, DisposeAsync never saw it.
            mux.Dispose();
            return;
        }

        mux.ConnectionFailed += (_, e) => OnConnectionFailed(e);
        mux.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                MarkUp();
            }
        };
        database = mux.GetDatabase();
        multiplexer = mux;
        if (mux.IsConnected)
        {
            MarkUp();
        }
        else
        {
            MarkDown("no connection to " + Servers);
        }
    }

    /// <summary>
    /// The multiplexer lost a connection. Events may arrive out of order (a late failure of a connection already
    /// replaced): while the multiplexer still says it is connected, the event does not mark a working link down.
    /// </summary>
    internal void OnConnectionFailed(ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive && multiplexer is { IsConnected: false })
        {
            MarkDown(e.FailureType + (e.Exception is null ? "" : ": " + e.Exception.Message));
        }
    }

    private void MarkUp()
    {
        var mux = multiplexer;
        if (mux is null || database is null)
        {
            return;
        }

        lock (gate)
        {
            if (up)
            {
                return;
            }

            var now = time.GetUtcNow();
            if (!everUp)
            {
                RedisLog.Connected(logger, Uses, Servers);
            }
            else
            {
                RedisLog.Restored(logger, Uses, Servers, now - since);
            }

            everUp = true;
            outageLogged = false;
            lastError = null;
            since = now;
            up = true;
        }

        Connected?.Invoke(mux);
    }

    private void MarkDown(string reason)
    {
        lock (gate)
        {
            if (up)
            {
                since = time.GetUtcNow();
                up = false;
            }

            lastError = Shorten(reason);
            if (!outageLogged)
            {
                outageLogged = true;
                RedisLog.Unreachable(logger, Uses, Servers, fallback, lastError);
            }

            // The socket may still claim to be up: wait a moment before the first probe.
            Interlocked.Exchange(ref nextProbeTicks, time.GetUtcNow().UtcTicks + ProbeEvery);
        }
    }

    /// <summary>The first line, cut short: a timeout's message runs to a page of diagnostics.</summary>
    private static string Shorten(string reason)
    {
        var line = reason.AsSpan();
        var end = line.IndexOfAny('\r', '\n');
        line = end >= 0 ? line[..end] : line;
        return line.Length > 200 ? string.Concat(line[..200], "...") : line.ToString();
    }
}

/// <summary>
/// A Redis link in the status JSON: <c>state</c> is connecting (not yet answered, stores fall back meanwhile), connected,
/// fallback (unreachable: local counters, cache misses) or refusing (unreachable, counters failing closed: 503);
/// <c>since</c> is when the link was last connected or lost.
/// </summary>
internal sealed record RedisLinkStatus(bool Configured, string? Servers, string? State, DateTimeOffset? Since, long? ForSeconds, string? LastError);
