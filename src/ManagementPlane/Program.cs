using Backup.Providers;
using ManagementPlane.Hosting;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddManagementPlane();

var app = builder.Build();
app.MapManagementPlane();

try
{
    app.Run();
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
