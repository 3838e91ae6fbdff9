namespace ManagementPlane.Hosting;

/// <summary>
/// How long the plane remembers gateway instances, section <c>Management:Heartbeats</c>. On a scale-to-zero platform every
/// start is a new instance id, so without these the list (and the <c>heartbeats/</c> folder in the store) only grows.
/// </summary>
public sealed class HeartbeatOptions
{
    /// <summary>An instance with no heartbeat for this long is dropped from status and its stored heartbeat deleted.</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>At most this many instances are kept per gateway: the most recently heard from.</summary>
    public int MaxInstancesPerGateway { get; set; } = 100;
}
