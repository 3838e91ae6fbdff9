using Backup.Providers;
using ManagementPlane.Hosting;
using ManagementPlane.State;
using Microsoft.Extensions.Options;

try
{
    // Moving keys an earlier version kept in the state store into settings: runs and exits without listening.
    if (KeyExport.IsCommand(args))
    {
        return await KeyExport.RunAsync(args, Console.Out, Console.Error);
    }

    var builder = WebApplication.CreateSlimBuilder(args);
    builder.AddManagementPlane();

    var app = builder.Build();
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
