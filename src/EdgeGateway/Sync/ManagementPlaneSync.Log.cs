namespace EdgeGateway.Sync;

internal sealed partial class ManagementPlaneSync
{
    /// <summary>The sync's log lines (category <c>EdgeGateway.Sync</c>). Event ids and texts are quoted in docs/operations.md.</summary>
    internal static partial class Log
    {
        public const string Category = "EdgeGateway.Sync";

        [LoggerMessage(60, LogLevel.Information, "Applied revision {Revision} from the management plane ({ApiCount} APIs)")]
        public static partial void Applied(ILogger logger, long revision, int apiCount);

        [LoggerMessage(61, LogLevel.Warning, "Management plane {Url} unreachable ({Error}); {Serving}; retrying with backoff")]
        public static partial void Unreachable(ILogger logger, string url, string error, string serving);

        // Expiry: an ISO 8601 string (Logging.LogDates), not a DateTimeOffset the culture would format.
        [LoggerMessage(62, LogLevel.Error, "THE GATEWAY TOKEN WAS REFUSED ({Detail}; token expiry {Expiry}, fingerprint {Fingerprint}): still serving the last good config, but no changes arrive until {Setting} is renewed")]
        public static partial void Unauthorized(ILogger logger, string detail, string expiry, string fingerprint, string setting);

        [LoggerMessage(63, LogLevel.Information, "Connected to the management plane {Url}; serving revision {Revision}")]
        public static partial void Connected(ILogger logger, string url, long revision);

        [LoggerMessage(64, LogLevel.Error, "Snapshot from the management plane refused, the previous config keeps serving: {Reason}")]
        public static partial void Refused(ILogger logger, string reason);

        [LoggerMessage(65, LogLevel.Warning, "{Problem}; serving the last good config and retrying with backoff")]
        public static partial void BadAnswer(ILogger logger, string problem);

        [LoggerMessage(66, LogLevel.Debug, "Heartbeat not delivered: {Error}")]
        public static partial void HeartbeatFailed(ILogger logger, string error);

        [LoggerMessage(67, LogLevel.Critical, "No config after ManagementPlane:StartupTimeout ({Timeout}): the management plane {Url} gave none ({Error}) and there is {Backup}. Exiting; check ManagementPlane:Url, ManagementPlane:Token, Gateway:Id, Trust:SigningKey and Backup:*")]
        public static partial void GivingUp(ILogger logger, TimeSpan timeout, string url, string error, string backup);

        [LoggerMessage(68, LogLevel.Warning, "ManagementPlane:Url {Url} is plain http to a non-loopback host: snapshots are signed, but the token travels in clear text; use https or a TLS sidecar")]
        public static partial void PlainHttp(ILogger logger, string url);

        // Expiry: an ISO 8601 string (Logging.LogDates), not a DateTimeOffset the culture would format.
        [LoggerMessage(69, LogLevel.Warning, "{Setting}: the token expires at {Expiry}: issue a new one (POST /gateways/{{id}}/token) before then; the gateway keeps serving after, but gets no changes")]
        public static partial void TokenExpiring(ILogger logger, string setting, string expiry);

        [LoggerMessage(72, LogLevel.Error, "Unexpected error in the {Loop} ({Error}); serving the last good config and carrying on")]
        public static partial void LoopFailed(ILogger logger, string loop, string error, Exception exception);
    }
}
