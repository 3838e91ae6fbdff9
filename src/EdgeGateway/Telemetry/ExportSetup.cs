using EdgeGateway.Configuration;
using EdgeGateway.Hosting;
using EdgeGateway.Telemetry.Export;

namespace EdgeGateway.Telemetry;

/// <summary>
/// The gateway's exporters: which sources and meters leave the process, under which service name. Nothing is built
/// (and no OpenTelemetry code runs) unless APPLICATIONINSIGHTS_CONNECTION_STRING, an OTLP endpoint or
/// Telemetry:Prometheus:Enabled asks for it; the instruments exist either way and cost a branch without a listener.
/// </summary>
internal static class ExportSetup
{
    public const string ServiceName = "edgegateway";

    /// <summary>Our spans, ASP.NET Core's server span (the parent) and HttpClient's client span (YARP's backend call).</summary>
    public static readonly string[] Sources = [GatewayTelemetry.SourceName, "Microsoft.AspNetCore", "System.Net.Http"];

    /// <summary>
    /// One meter per component (the names are the public contract) and .NET's own Kestrel and runtime meters. Not
    /// ASP.NET Core's hosting meter nor HttpClient's: on the gateway they measure what <c>edgegateway.request.duration</c>
    /// and <c>edgegateway.backend.duration</c> already do (with the API, operation and product), and listening to them
    /// costs every proxied request four more measurements per reader and HttpClient's metrics handler on every backend call.
    /// </summary>
    public static readonly string[] Meters =
    [
        .. GatewayTelemetry.MeterNames,
        "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime",
    ];

    /// <summary>Reads the exporter settings (a malformed one stops the start: exit 1); what they ask for is built once the server listens.</summary>
    public static TelemetryExport? Start(WebApplicationBuilder builder, GatewaySettings settings)
    {
        TelemetryExportSettings export;
        try
        {
            export = TelemetryExportSettings.Read(builder.Configuration);
        }
        catch (TelemetrySettingsException ex)
        {
            throw new StartupException(ex.Message);
        }

        var identity = new TelemetryIdentity(ServiceName, Health.ThisAssembly.Version, TelemetryIdentity.NewInstanceId(), settings.Gateway.Id);
        var telemetry = TelemetryExport.Create(export, identity, builder.Configuration, builder.Logging, Sources, Meters);
        builder.Services.AddSingleton(export);
        if (telemetry is not null)
        {
            builder.Services.AddSingleton(telemetry);
        }

        builder.Services.AddHostedService<TelemetryLifecycle>();
        return telemetry;
    }
}
