namespace EdgeGateway.Proxy;

/// <summary>Requests served by this instance: total, and failed (5xx from the gateway or the backend).</summary>
internal sealed class RequestCounters
{
    private long total;
    private long failed;

    public long Total => Interlocked.Read(ref total);

    public long Failed => Interlocked.Read(ref failed);

    /// <summary>One finished request: its status and how long the gateway took (the fleet summary in heartbeats uses the time).</summary>
    public void Record(int statusCode, TimeSpan elapsed)
    {
        _ = elapsed;
        Interlocked.Increment(ref total);
        if (statusCode >= 500)
        {
            Interlocked.Increment(ref failed);
        }
    }
}
