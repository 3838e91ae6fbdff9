using Backup.Providers;
using Backup.Providers.Configuration;
using ManagementPlane.Auth;
using ManagementPlane.Config;
using ManagementPlane.Import.ApiOps;
using ManagementPlane.Portal;
using ManagementPlane.Resources;
using ManagementPlane.Snapshots;
using ManagementPlane.State;
using ManagementPlane.Sync;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagementPlane.Hosting;

internal static class ManagementPlaneExtensions
{
    public const string StoreSection = "Management:Store";

    public static WebApplicationBuilder AddManagementPlane(this WebApplicationBuilder builder)
    {
        // Defaults go first, so every other source (appsettings, environment, command line) overrides them.
        ((IConfigurationBuilder)builder.Configuration).Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                [$"{StoreSection}:Disk:Path"] = "./data",
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });

        // One line per event, stamped in UTC ISO 8601 as the gateway's lines are, so the two logs read side by side.
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });

        var services = builder.Services;
        services.AddManagementOptions(builder.Configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Api);
            o.SerializerOptions.Encoder = ApiJsonContext.Api.Options.Encoder; // answers a person can copy (ApiJsonContext.Api)
        });
        services.AddProblemDetails();
        // A store that is down or timing out is the service being unavailable, not a bug.
        services.Configure<ExceptionHandlerOptions>(o => o.StatusCodeSelector = ex => ex switch
        {
            BadHttpRequestException bad => bad.StatusCode,
            ObjectStoreException => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        });
        services.AddOpenApi(OpenApiSecurity.Describe);

        // Created on first resolve (the start-up loader), after every configuration source is in place.
        services.AddSingleton<IObjectStore>(sp => ObjectStoreFactory.Create(
                sp.GetRequiredService<IConfiguration>().GetSection(StoreSection), StoreSection, ObjectStoreProviders.Disk, sp.GetRequiredService<TimeProvider>())
            ?? throw new ManagementConfigurationException($"{StoreSection}:Provider is 'none', but the management plane keeps its state there: use disk, blob or s3."));
        services.AddSingleton<KeyRing>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<ChangeNotifier>();
        services.AddSingleton<SnapshotCompiler>();
        services.AddSingleton<SnapshotMemory>();
        services.AddSingleton<SnapshotPublisher>();
        services.AddSingleton<StoredSnapshots>();
        services.AddSingleton<SnapshotConfirmations>();
        services.AddSingleton<StateStore>();
        services.AddSingleton<ConfigApplier>();
        services.AddSingleton<ApiOpsImporter>();
        services.AddSingleton<AdminKeys>();
        services.AddSingleton<GatewayAuthenticator>();
        services.AddSingleton<HeartbeatStore>();
        services.AddSingleton<StartupLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<StartupLoader>());
        services.AddHostedService<StateWatcher>();
        services.AddPortal();
        return builder;
    }

    /// <summary>Settings, keys and state, checked before the host starts; throws what Program reports as one line.</summary>
    public static Task LoadManagementPlaneAsync(this WebApplication app) =>
        app.Services.GetRequiredService<StartupLoader>().LoadAsync(CancellationToken.None);

    public static WebApplication MapManagementPlane(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapOpenApi();
        app.MapHealth();
        app.MapSigningKey();
        app.MapSync();

        var admin = app.MapGroup("").RequireAdminKey();
        admin.MapGateways().MapGatewayStatus();
        admin.MapApis();
        admin.MapProducts();
        admin.MapSubscriptions();
        admin.MapNamedValues();
        admin.MapCertificates();
        admin.MapGlobalPolicies();
        admin.MapPolicyFragments();
        admin.MapConfig();
        admin.MapApiOpsImport();
        admin.MapPortalAdmin();

        app.MapPortal();
        return app;
    }
}
