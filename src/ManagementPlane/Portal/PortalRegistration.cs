using ManagementPlane.Portal.Consumer;

namespace ManagementPlane.Portal;

/// <summary>Where the portal plugs into the plane's host; each part adds its own registrations in its own file.</summary>
internal static class PortalRegistration
{
    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddPortalStore();
        services.AddPortalWeb();
        services.AddPortalConsumer();
        return services;
    }

    /// <summary>Anonymous and consumer-facing pages under <c>/portal</c> (never behind the admin key).</summary>
    public static WebApplication MapPortal(this WebApplication app)
    {
        app.MapPortalCatalogue();
        app.MapPortalAccountPages();
        return app;
    }
}
