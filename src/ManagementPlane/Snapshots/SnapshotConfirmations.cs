using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Sync;
using ManagementPlane.State;

namespace ManagementPlane.Snapshots;

/// <summary>
/// Signs, per answer, the plane's word that a revision is the newest for a gateway (docs/management-api.md,
/// "Snapshot confirmation"): carried in a response header so 304s carry it too.
/// </summary>
internal sealed class SnapshotConfirmations(KeyRing keys, TimeProvider time)
{
    /// <summary>Adds the signed confirmation header to a snapshot answer (200 or 304).</summary>
    public static void Stamp(HttpContext context, string gatewayId, long revision) =>
        context.RequestServices.GetRequiredService<SnapshotConfirmations>().Add(context.Response, gatewayId, revision);

    private void Add(HttpResponse response, string gatewayId, long revision) =>
        response.Headers[SyncProtocol.ConfirmationHeader] = new SnapshotConfirmation(gatewayId, revision, time.GetUtcNow()).Sign(keys.SigningKey);
}
