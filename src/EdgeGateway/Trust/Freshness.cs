using System.Globalization;
using System.Security.Cryptography;
using EdgeGateway.Logging;

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
        if (Confirmations.Verify(signedConfirmation, trustKey, gatewayId, "backed-up confirmation", out var checkedConfirmation) is { } problem)
        {
            return problem;
        }

        var confirmation = checkedConfirmation!;
        if (confirmation.Revision > restoredRevision)
        {
            return $"the management plane confirmed revision {confirmation.Revision} at {LogDates.Iso(confirmation.IssuedAt)}, "
                + $"but the newest valid backup is revision {restoredRevision}: newer backups are missing";
        }

        var age = now - confirmation.IssuedAt;
        return age > maxAge
            ? $"the management plane last confirmed this gateway's config at {LogDates.Iso(confirmation.IssuedAt)}, {Format(age)} ago: longer than Trust:MaxSnapshotAge ({maxAge})"
            : null;
    }

    private static string Format(TimeSpan age) => age.TotalDays >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{age.TotalDays:0.#} days")
        : age.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{age.TotalHours:0.#} hours")
        : string.Create(CultureInfo.InvariantCulture, $"{age.TotalSeconds:0} s");
}
