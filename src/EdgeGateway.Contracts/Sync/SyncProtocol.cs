namespace EdgeGateway.Contracts.Sync;

/// <summary>The sync endpoints' shape, shared so both planes agree on routes and the ETag form.</summary>
public static class SyncProtocol
{
    /// <summary>Longest <c>wait</c> (seconds) the management plane holds a snapshot long poll.</summary>
    public const int MaxWaitSeconds = 60;

    /// <summary>Response header of every snapshot answer (200 and 304): a signed <see cref="Signing.SnapshotConfirmation"/>.</summary>
    public const string ConfirmationHeader = "EdgeGateway-Confirmation";

    public static string SnapshotPath(string gatewayId) => $"/gateway/v1/gateways/{Uri.EscapeDataString(gatewayId)}/snapshot";

    public static string HeartbeatPath(string gatewayId) => $"/gateway/v1/gateways/{Uri.EscapeDataString(gatewayId)}/heartbeat";

    /// <summary>The snapshot ETag: the revision in quotes, <c>"42"</c>.</summary>
    public static string ETag(long revision) => $"\"{revision}\"";

    public static bool TryParseETag(string? etag, out long revision)
    {
        revision = 0;
        var text = etag?.Trim();
        if (text is null)
        {
            return false;
        }

        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        return text.Length > 2 && text[0] == '"' && text[^1] == '"' && long.TryParse(text[1..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out revision);
    }
}
