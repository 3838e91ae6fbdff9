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

    var app = builder.Build();
    TelemetryNotice.LogIfConfigured(app.Services.GetRequiredService<ILoggerFactory>());
    await app.LoadManagementPlaneAsync();
    app.MapManagementPlane();
    await app.RunAsync();
}
catch (Exception ex) when (ex is OptionsValidationException or ObjectStoreException or ManagementConfigurationException)
{
    // Misconfiguration: one clear message naming the setting, no stack trace.
    Console.Error.WriteLine($"ManagementPlane cannot start: {ex.Message}");
    return 1;
}

return 0;

/// <summary>Visible to in-process tests (Alba / WebApplicationFactory).</summary>
public partial class Program;
