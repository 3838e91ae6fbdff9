using EdgeGateway.Routing;

namespace EdgeGateway.Trust;

/// <summary>
/// Hybrid mode never goes back to an older revision: an old signed snapshot (with revoked keys) must not come back, not even
/// through a restart from a backup. A plane whose state was reset starts over at low revisions: its gateways' backups must go.
/// </summary>
internal static class RollbackGuard
{
    /// <summary>Why <paramref name="revision"/> must not replace what is served, or null.</summary>
    public static string? Check(long revision, GatewayRuntime? current) =>
        current is null || revision >= current.Revision ? null
            : $"revision {revision} is older than the {(current.FromBackup ? "backed-up" : "applied")} revision {current.Revision} (refusing a rollback"
                + (current.FromBackup ? "; if the management plane's state was reset, delete this gateway's backups" : "") + ")";
}
