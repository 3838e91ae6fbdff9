using EdgeGateway.Configuration;
using EdgeGateway.Telemetry.Export;

namespace EdgeGateway.Telemetry;

/// <summary>
/// Whether the gateway uses the request's trace at all: a trace exporter is configured (Azure Monitor or OTLP traces, the
/// same reading the exporters use) or the access log writes CorrelationIds. Only then does the backend get the gateway's
/// traceparent; otherwise the gateway stays out of the trace and the client's headers pass through as they came.
/// </summary>
internal static class TraceContextUse
{
    public static bool Propagates(IConfiguration configuration, GatewaySettings settings)
    {
        if (settings.RequestTelemetry.AccessLogEnabled)
        {
            return true;
        }

        try
        {
            return TelemetryExportSettings.Read(configuration).Traces;
        }
        catch (TelemetrySettingsException)
        {
            return false; // reported (exit 1) where the exporters read the same settings
        }
    }
}
