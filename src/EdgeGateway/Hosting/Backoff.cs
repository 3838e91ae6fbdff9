namespace EdgeGateway.Hosting;

/// <summary>Capped exponential backoff with "equal jitter" (half fixed, half random), for every retry loop in the gateway.</summary>
internal static class Backoff
{
    public static TimeSpan Delay(int attempt, TimeSpan first, TimeSpan cap)
    {
        var seconds = Math.Min(cap.TotalSeconds, first.TotalSeconds * Math.Pow(2, Math.Clamp(attempt, 1, 20) - 1));
        return TimeSpan.FromSeconds(seconds * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }
}
