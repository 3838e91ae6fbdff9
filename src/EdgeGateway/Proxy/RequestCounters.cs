using EdgeGateway.Contracts.Sync;

namespace EdgeGateway.Proxy;

/// <summary>
/// Requests served by this instance: lifetime totals (total, and failed: 5xx from the gateway or the backend), and the
/// traffic window the next heartbeat reports (requests, errors, rejections and durations per <see cref="TrafficBuckets"/>
/// bucket since the last accepted heartbeat). Lock-free and allocation-free per request: a few interlocked increments.
/// </summary>
internal sealed class RequestCounters
{
    private readonly long[] buckets = new long[TrafficBuckets.Count];
    private long total;
    private long failed;
    private long windowRequests;
    private long windowErrors;
    private long windowRejections;
    private readonly TaskCompletionSource firstRecorded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Total => Interlocked.Read(ref total);

    /// <summary>Completes once the first request was recorded: the exporters are built after it (TelemetryLifecycle).</summary>
    public Task FirstRecorded => firstRecorded.Task;

    public long Failed => Interlocked.Read(ref failed);

    /// <summary>
    /// One finished request: its status and how long the gateway took (the fleet summary in heartbeats uses the time).
    /// <paramref name="answeredByBackend"/>: the status is the backend's own answer passed through, so a 401/403/429 is the
    /// backend's decision, not a rejection by the gateway (a key, a token, an IP filter, a rate limit or quota).
    /// </summary>
    public void Record(int statusCode, TimeSpan elapsed, bool answeredByBackend)
    {
        if (Interlocked.Increment(ref total) == 1)
        {
            firstRecorded.TrySetResult();
        }

        Interlocked.Increment(ref windowRequests);
        Interlocked.Increment(ref buckets[TrafficBuckets.IndexOf(elapsed.TotalMilliseconds)]);
        if (statusCode >= 500)
        {
            Interlocked.Increment(ref failed);
            Interlocked.Increment(ref windowErrors);
        }
        else if (statusCode is 401 or 403 or 429 && !answeredByBackend)
        {
            Interlocked.Increment(ref windowRejections);
        }
    }

    /// <summary>
    /// The counts of the window so far, leaving them in place: they leave the window only when the plane accepted the beat
    /// that carried them (<see cref="Remove"/>), so a failed beat's counts go out again with the next one. A request finishing
    /// while this reads may land in this beat's request count and the next beat's bucket (or the reverse): off by one at most.
    /// </summary>
    public TrafficSummary Peek(double windowSeconds)
    {
        var counts = new long[buckets.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Read(ref buckets[i]);
        }

        return new TrafficSummary
        {
            WindowSeconds = windowSeconds,
            Requests = Interlocked.Read(ref windowRequests),
            Errors = Interlocked.Read(ref windowErrors),
            Rejections = Interlocked.Read(ref windowRejections),
            DurationBuckets = counts,
            P95Ms = TrafficBuckets.Percentile(counts, 0.95) is { } p95 ? Math.Round(p95, 3) : null,
        };
    }

    /// <summary>Takes what an accepted heartbeat reported out of the window; what was recorded since stays for the next one.</summary>
    public void Remove(TrafficSummary reported)
    {
        Interlocked.Add(ref windowRequests, -reported.Requests);
        Interlocked.Add(ref windowErrors, -reported.Errors);
        Interlocked.Add(ref windowRejections, -reported.Rejections);
        if (reported.DurationBuckets is { } counts)
        {
            for (var i = 0; i < Math.Min(counts.Length, buckets.Length); i++)
            {
                Interlocked.Add(ref buckets[i], -counts[i]);
            }
        }
    }
}
