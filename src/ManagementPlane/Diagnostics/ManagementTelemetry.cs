using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ManagementPlane.Diagnostics;

/// <summary>The management plane's one <see cref="ActivitySource"/> and one <see cref="Meter"/> (names are the public contract).</summary>
internal static class ManagementTelemetry
{
    public const string Name = "EdgeGateway.ManagementPlane";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Committed head-record writes.</summary>
    public static readonly Counter<long> StateWrites = Meter.CreateCounter<long>("managementplane.state.writes");

    /// <summary>Writes that lost the race for the head record and were re-applied.</summary>
    public static readonly Counter<long> StateWriteConflicts = Meter.CreateCounter<long>("managementplane.state.write_conflicts");

    /// <summary>Snapshot requests by outcome (<c>outcome</c> = sent, not_modified, unauthorized).</summary>
    public static readonly Counter<long> SnapshotRequests = Meter.CreateCounter<long>("managementplane.snapshot.requests");

    /// <summary>Long polls being held right now.</summary>
    public static readonly UpDownCounter<long> LongPolls = Meter.CreateUpDownCounter<long>("managementplane.snapshot.long_polls");

    /// <summary>
    /// Gateway snapshots compiled from the state (tag <c>gateway</c>): once per gateway in each write that changes the state
    /// (to tell whether the gateway's content changed), and once per repair; never per poll or per instance.
    /// </summary>
    public static readonly Counter<long> SnapshotsCompiled = Meter.CreateCounter<long>("managementplane.snapshots.compiled");

    /// <summary>
    /// Gateway snapshots signed (tags <c>gateway</c>, and <c>reason</c> = write: once per gateway and revision that changed it,
    /// by the writing instance; or repair: a stored object was missing or unusable).
    /// </summary>
    public static readonly Counter<long> SnapshotsSigned = Meter.CreateCounter<long>("managementplane.snapshots.signed");

    /// <summary>Heartbeats accepted (and stored).</summary>
    public static readonly Counter<long> Heartbeats = Meter.CreateCounter<long>("managementplane.heartbeats", "{heartbeat}");

    /// <summary>
    /// Heartbeats refused, by <c>reason</c>: <c>unauthorized</c> (a token that is not the gateway's, expired or revoked: a fleet
    /// that stopped reporting), <c>invalid_id</c>, <c>invalid_body</c>, <c>invalid_traffic</c> (a gateway bug: its traffic stops
    /// showing in the status). The counter is on each <c>HeartbeatStore</c>'s own meter, as the instances gauge is, so a test
    /// reads its own plane's.
    /// </summary>
    public const string HeartbeatsRejected = "managementplane.heartbeats.rejected";

    /// <summary>Name of the gauge of remembered gateway instances by <c>gateway</c> and <c>state</c> (see <c>HeartbeatStore</c>).</summary>
    public const string InstancesGauge = "managementplane.gateways.instances";
}
