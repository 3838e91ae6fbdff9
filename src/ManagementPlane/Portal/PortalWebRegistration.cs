using ManagementPlane.Portal.Consumer;

namespace ManagementPlane.Portal;

/// <summary>Helpers P and C: the pages. P owns the catalogue, API pages, layout and try-it; C owns accounts, sessions and subscriptions pages.</summary>
internal static class PortalWebRegistration
{
    public static IServiceCollection AddPortalWeb(this IServiceCollection services) => services;

    /// <summary>Helper P: /portal, /portal/products/{id}, /portal/apis/{id}, operation pages, assets.</summary>
    public static WebApplication MapPortalCatalogue(this WebApplication app) => Web.CatalogueRegistration.MapPortalCataloguePages(app);

    /// <summary>Helper C: sign-up, sign-in, sign-out, invitations, /portal/subscriptions.</summary>
    public static WebApplication MapPortalAccountPages(this WebApplication app) => app.MapPortalConsumer();
}
