using Backup.Providers;
using ManagementPlane.Cli;
using ManagementPlane.Diagnostics;
using ManagementPlane.Hosting;
using Microsoft.Extensions.Options;

try
{
    // Subcommands (export-keys, healthcheck, settings, help) run and exit without listening.
    if (ManagementPlaneCli.IsCommand(args))
    {
        return await ManagementPlaneCli.RunAsync(args, Console.Out, Console.Error);
    }

    var builder = WebApplication.CreateSlimBuilder(args);
    builder.AddManagementPlane();

    // Exporters only when configured; a malformed OTEL_* or Telemetry:* value exits 1 here (caught below).
    var telemetry = PlaneTelemetryExport.Start(builder);

    var app = builder.Build();
    PlaneTelemetryExport.Attach(app, telemetry);
    await app.LoadManagementPlaneAsync();
    app.MapManagementPlane();
    await app.RunAsync();
}
catch (Exception ex) when (ex is OptionsValidationException or ObjectStoreException or ManagementConfigurationException
    or EdgeGateway.Telemetry.Export.TelemetrySettingsException)
{
    // Misconfiguration: one clear message naming the setting, no stack trace.
    Console.Error.WriteLine($"ManagementPlane cannot start: {ex.Message}");
    return 1;
}

return 0;

/// <summary>Visible to in-process tests (Alba / WebApplicationFactory).</summary>
public partial class Program;
