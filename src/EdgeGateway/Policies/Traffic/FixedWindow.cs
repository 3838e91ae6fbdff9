namespace EdgeGateway.Policies.Traffic;

/// <summary>
/// Fixed counting windows of one length, aligned to an origin (the Unix epoch, or quota's firstPeriodStart): every gateway
/// that reads the same clock puts a request in the same window, so a shared store counts them together. Pure arithmetic
/// on ticks: no allocation.
/// </summary>
internal readonly struct FixedWindow(long periodTicks, long originTicks)
{
    public static FixedWindow FromEpoch(int periodSeconds) => new(periodSeconds * TimeSpan.TicksPerSecond, DateTimeOffset.UnixEpoch.UtcTicks);

    public long PeriodTicks => periodTicks;

    /// <summary>The end of the window <paramref name="now"/> falls in (a moment before the origin falls in the window ending at or before it).</summary>
    public DateTimeOffset EndFor(DateTimeOffset now)
    {
        var elapsed = now.UtcTicks - originTicks;
        var index = elapsed >= 0 ? elapsed / periodTicks : ((elapsed + 1) / periodTicks) - 1;
        return new DateTimeOffset(originTicks + ((index + 1) * periodTicks), TimeSpan.Zero);
    }

    /// <summary>Whole seconds until <paramref name="end"/>, rounded up, at least 1: what Retry-After says.</summary>
    public static int SecondsUntil(DateTimeOffset end, DateTimeOffset now)
    {
        var ticks = end.UtcTicks - now.UtcTicks;
        return ticks <= 0 ? 1 : (int)Math.Max(1, (ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);
    }
}
