namespace EdgeGateway.Contracts.Snapshot;

/// <summary>What the fields of a <see cref="HealthCheckDefinition"/> mean when absent, and the bounds the validator holds them to.</summary>
public static class HealthCheckDefaults
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>The shortest interval accepted.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>An absent timeout is this or the interval, whichever is shorter.</summary>
    public static readonly TimeSpan LongestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failures (or successes) that change a destination's health.</summary>
    public const int Threshold = 1;

    public static TimeSpan Timeout(TimeSpan interval) => interval < LongestTimeout ? interval : LongestTimeout;
}
