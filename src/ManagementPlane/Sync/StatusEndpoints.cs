using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.Resources;
using ManagementPlane.State;
using Microsoft.Extensions.Options;

namespace ManagementPlane.Sync;

/// <summary><c>GET /gateways/{id}/status</c>: each instance's last heartbeat, and whether it is current, stale, gone or stopped.</summary>
internal static class StatusEndpoints
{
    private static readonly TimeSpan GoneAfter = TimeSpan.FromMinutes(10);

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
        var staleAfter = options.Value.HeartbeatInterval * 3;
        var instances = (await heartbeats.ListAsync(gateway.Id, context.RequestAborted)).Select(b =>
        {
            var age = now - b.ReceivedAt;
            var beat = b.Heartbeat;
            var condition = beat.Stopping ? "stopped" : age > GoneAfter ? "gone" : age > staleAfter ? "stale" : "current";
            return new InstanceStatus(beat.InstanceId!, condition, b.ReceivedAt, beat.AppliedRevision, beat.AppliedRevision == gateway.SnapshotRevision,
                beat.Version, beat.HostName, beat.ConfigAgeSeconds, beat.UptimeSeconds, beat.LastSyncError, beat.RequestsTotal, beat.RequestsFailed,
                beat.LastBackupRevision, beat.LastBackupError);
        }).ToList();
        return Results.Json(new GatewayStatus(gateway.Id, gateway.SnapshotRevision, instances), ApiJsonContext.Api.GatewayStatus);
    }
}

internal sealed record GatewayStatus(string GatewayId, long LatestRevision, IReadOnlyList<InstanceStatus> Instances);

/// <summary>
/// <c>state</c>: current, stale (no heartbeat for 3 × Management:HeartbeatInterval), gone (none for 10 minutes) or stopped
/// (its last heartbeat said it was stopping). Forgotten after Management:Heartbeats:ForgetAfter.
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
    string? LastBackupError);
