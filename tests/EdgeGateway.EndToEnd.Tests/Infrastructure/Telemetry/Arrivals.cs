namespace EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

/// <summary>
/// Wakes waiters each time a receiver stores something, so a test waits on a condition over what arrived
/// (exporters flush on an interval) instead of sleeping and hoping.
/// </summary>
internal sealed class Arrivals
{
    /// <summary>Generous: exporters flush every few seconds and CI shares two cores between four test collections.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Signal() =>
        Interlocked.Exchange(ref next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// Returns the first non-null <paramref name="probe"/> result, re-probing after every arrival; throws a
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> and what did arrive once the deadline passes.
    /// </summary>
    public async Task<T> WaitAsync<T>(Func<T?> probe, string what, Func<string> received, TimeSpan? timeout)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            // Take the signal before probing: an arrival between the probe and the wait still wakes us.
            var arrival = Volatile.Read(ref next).Task;
            if (probe() is { } found)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Waited {timeout ?? DefaultTimeout} for {what}; received: {received()}");
            }

            try
            {
                await arrival.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // probe once more, then report
            }
        }
    }
}
