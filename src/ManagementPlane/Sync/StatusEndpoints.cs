using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.Resources;
using ManagementPlane.State;
using Microsoft.Extensions.Options;

namespace ManagementPlane.Sync;

/// <summary><c>GET /gateways/{id}/status</c>: each instance's last heartbeat, and whether it is current, stale, gone or stopped; and the fleet's traffic.</summary>
internal static class StatusEndpoints
{
    public static RouteGroupBuilder MapGatewayStatus(this RouteGroupBuilder admin)
    {
        admin.MapGet("/gateways/{id}/status", StatusAsync).Produces<GatewayStatus>().ProducesProblem(404);
        return admin;
    }

    private static async Task<IResult> StatusAsync(HttpContext context, StateStore store, HeartbeatStore heartbeats, IOptions<ManagementOptions> options, TimeProvider time, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId("gateway", id);
        }

        var state = (await store.ReadAsync(context.RequestAborted)).State;
        if (GatewayEndpoints.Find(state, id) is not { } gateway)
        {
            return Problems.NotFound($"no gateway with id '{id}'");
        }

        var now = time.GetUtcNow();
        var interval = options.Value.HeartbeatInterval;
        var beats = await heartbeats.ListAsync(gateway.Id, context.RequestAborted);
        var instances = beats.Select(b =>
        {
            var beat = b.Heartbeat;
            return new InstanceStatus(beat.InstanceId!, InstanceCondition.Of(b, now, interval), b.ReceivedAt, beat.AppliedRevision, beat.AppliedRevision == gateway.SnapshotRevision,
                beat.Version, beat.HostName, beat.ConfigAgeSeconds, beat.UptimeSeconds, beat.LastSyncError, beat.RequestsTotal, beat.RequestsFailed,
                beat.LastBackupRevision, beat.LastBackupError, FleetTraffic.Of(beat.Traffic));
        }).ToList();
        var live = beats.Where(b => InstanceCondition.Of(b, now, interval) == InstanceCondition.Current && b.Heartbeat.Traffic is not null).Select(b => b.Heartbeat.Traffic!);
        return Results.Json(new GatewayStatus(gateway.Id, gateway.SnapshotRevision, instances, FleetTraffic.Sum(live)), ApiJsonContext.Api.GatewayStatus);
    }
}

/// <summary><c>traffic</c>: the last traffic window of each <c>current</c> instance, summed (absent when none reported one).</summary>
internal sealed record GatewayStatus(string GatewayId, long LatestRevision, IReadOnlyList<InstanceStatus> Instances, TrafficStatus? Traffic);

/// <summary>
/// <c>state</c>: current, stale (no heartbeat for 3 × Management:HeartbeatInterval), gone (none for 10 minutes) or stopped
/// (its last heartbeat said it was stopping). Forgotten after Management:Heartbeats:ForgetAfter. <c>traffic</c>: what the
/// instance served between its last two accepted heartbeats (absent from gateways that do not report it).
/// </summary>
internal sealed record InstanceStatus(
    string InstanceId,
    string State,
    DateTimeOffset LastHeartbeat,
    long AppliedRevision,
    bool IsLatest,
    string? Version,
    string? HostName,
    double? ConfigAgeSeconds,
    double? UptimeSeconds,
    string? LastSyncError,
    long RequestsTotal,
    long RequestsFailed,
    long? LastBackupRevision,
    string? LastBackupError,
    TrafficStatus? Traffic);
