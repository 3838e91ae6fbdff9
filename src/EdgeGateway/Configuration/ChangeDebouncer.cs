namespace EdgeGateway.Configuration;

/// <summary>
/// Runs an action once signals stop for <c>quiet</c>, and at the latest <c>maxWait</c> after the first signal
/// of a burst: a file that is written continuously is still picked up, however often it is touched.
/// </summary>
internal sealed class ChangeDebouncer : IDisposable
{
    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly TimeSpan quiet;
    private readonly TimeSpan maxWait;
    private readonly Action action;
    private readonly ITimer timer;
    private long? burstStart;

    public ChangeDebouncer(TimeProvider time, TimeSpan quiet, TimeSpan maxWait, Action action)
    {
        this.time = time;
        this.quiet = quiet;
        this.maxWait = maxWait;
        this.action = action;
        timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Signal()
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            burstStart ??= now;
            var left = maxWait - time.GetElapsedTime(burstStart.Value, now);
            timer.Change(left < quiet ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : quiet, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire()
    {
        lock (gate)
        {
            burstStart = null;
        }

        action();
    }

    public void Dispose() => timer.Dispose();
}
