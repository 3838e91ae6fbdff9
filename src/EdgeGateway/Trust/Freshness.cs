using System.Security.Cryptography;
using EdgeGateway.Contracts.Signing;

namespace EdgeGateway.Trust;

/// <summary>
/// <c>Trust:MaxSnapshotAge</c>: whether a backup is fresh enough to start from, judged by the management plane's last
/// signed confirmation (not by the snapshot's own age: an unchanged config stays startable while the plane vouches for it).
/// </summary>
internal static class Freshness
{
    /// <summary>Why the restored revision must not be served, or null when the confirmation vouches for it recently enough.</summary>
    public static string? Check(byte[] signedConfirmation, ECDsa trustKey, string gatewayId, long restoredRevision, TimeSpan maxAge, DateTimeOffset now)
    {
        var check = SnapshotConfirmation.Verify(signedConfirmation, trustKey);
        if (check.Confirmation is not { } confirmation)
        {
            return check.Error;
        }

        if (!string.Equals(confirmation.GatewayId, gatewayId, StringComparison.Ordinal))
        {
            return $"the backed-up confirmation is for gateway '{confirmation.GatewayId}', not '{gatewayId}'";
        }

        if (confirmation.Revision > restoredRevision)
        {
            return $"the management plane confirmed revision {confirmation.Revision} at {confirmation.IssuedAt:u}, "
                + $"but the newest valid backup is revision {restoredRevision}: newer backups are missing";
        }

        var age = now - confirmation.IssuedAt;
        return age > maxAge
            ? $"the management plane last confirmed this gateway's config at {confirmation.IssuedAt:u}, {Format(age)} ago: longer than Trust:MaxSnapshotAge ({maxAge})"
            : null;
    }

    private static string Format(TimeSpan age) => age.TotalDays >= 1 ? $"{age.TotalDays:0.#} days" : age.TotalHours >= 1 ? $"{age.TotalHours:0.#} hours" : $"{age.TotalSeconds:0} s";
}
