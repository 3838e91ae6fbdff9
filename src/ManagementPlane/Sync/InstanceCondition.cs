namespace ManagementPlane.Sync;

/// <summary>
/// What an instance's last heartbeat says about it now: <c>current</c>, <c>stale</c> (no heartbeat for 3 ×
/// Management:HeartbeatInterval), <c>gone</c> (none for 10 minutes) or <c>stopped</c> (its last heartbeat said it was
/// stopping). One definition for the status endpoint and the instances gauge, so they agree.
/// </summary>
internal static class InstanceCondition
{
    public const string Current = "current";
    public const string Stale = "stale";
    public const string Gone = "gone";
    public const string Stopped = "stopped";

    public static readonly string[] All = [Current, Stale, Gone, Stopped];

    private static readonly TimeSpan GoneAfter = TimeSpan.FromMinutes(10);

    public static string Of(StoredHeartbeat beat, DateTimeOffset now, TimeSpan heartbeatInterval)
    {
        var age = now - beat.ReceivedAt;
        return beat.Heartbeat.Stopping ? Stopped : age > GoneAfter ? Gone : age > heartbeatInterval * 3 ? Stale : Current;
    }
}
