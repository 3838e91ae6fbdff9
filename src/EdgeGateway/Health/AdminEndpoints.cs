using EdgeGateway.Configuration;
using EdgeGateway.Errors;

namespace EdgeGateway.Health;

/// <summary>
/// The <c>Gateway:AdminUrls</c> listener: the full status JSON and the health probes, never an API. Requests are told
/// apart by the local port they arrived on, so the public request path pays nothing when no admin listener is set.
/// </summary>
internal sealed class AdminEndpoints(GatewaySettings settings, HealthEndpoints health, IServiceProvider services)
{
    /// <summary>Prometheus text (Telemetry:Prometheus:Enabled): on this listener when there is one, never on the public one then.</summary>
    private readonly Telemetry.Export.TelemetryExport? metrics = services.GetService<Telemetry.Export.TelemetryExport>();

    private readonly int[] ports = [.. Hosting.GatewayHostBuilder.AdminEndpoints(settings.Gateway).Select(e => e.Port)];

    public bool Enabled => ports.Length > 0;

    public bool IsAdmin(HttpContext context) => Array.IndexOf(ports, context.Connection.LocalPort) >= 0;

    public Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.Equals(HealthEndpoints.ApimStatus, StringComparison.OrdinalIgnoreCase))
        {
            return health.WriteStatusAsync(context);
        }

        if (metrics?.Scrape is { } scrape && path.Equals(HealthEndpoints.Metrics, StringComparison.OrdinalIgnoreCase))
        {
            return scrape(context);
        }

        return health.TryHandle(context, path, out var task) ? task
            : GatewayErrors.WriteAsync(context, StatusCodes.Status404NotFound, "Not found: the admin listener serves /status-0123456789abcdef, /healthz/* and (with Telemetry:Prometheus:Enabled) /metrics.");
    }
}
