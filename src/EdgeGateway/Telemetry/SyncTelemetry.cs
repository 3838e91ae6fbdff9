using System.Diagnostics;

namespace EdgeGateway.Telemetry;

/// <summary>The sync loops' counters: a poll that failed, a heartbeat the plane did not accept.</summary>
internal static class SyncTelemetry
{
    public static void SyncFailed(string? gatewayId) => Add(GatewayTelemetry.SyncFailures, gatewayId);

    public static void HeartbeatFailed(string? gatewayId) => Add(GatewayTelemetry.HeartbeatFailures, gatewayId);

    private static void Add(System.Diagnostics.Metrics.Counter<long> counter, string? gatewayId)
    {
        if (counter.Enabled)
        {
            var tags = default(TagList);
            RequestTelemetry.AddCommon(ref tags, null, gatewayId);
            counter.Add(1, tags);
        }
    }
}
