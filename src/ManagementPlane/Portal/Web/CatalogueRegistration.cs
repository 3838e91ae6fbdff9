namespace ManagementPlane.Portal.Web;

/// <summary>The anonymous catalogue pages, API pages, try-it and assets under <c>/portal</c> (helper P's part).</summary>
internal static class CatalogueRegistration
{
    public static WebApplication MapPortalCataloguePages(this WebApplication app)
    {
        app.MapPortalAssets();
        var portal = app.MapGroup("/portal").ExcludeFromDescription();
        portal.MapGet("", CataloguePages.CatalogueAsync);
        portal.MapGet("/products/{id}", CataloguePages.ProductAsync);
        portal.MapGet("/apis/{id}", ApiPages.ApiAsync);
        portal.MapGet("/apis/{id}/openapi.json", (HttpContext c, State.StateStore s, IPortalContent p, string id) => ApiPages.DocumentAsync(c, s, p, id, "json"));
        portal.MapGet("/apis/{id}/openapi.yaml", (HttpContext c, State.StateStore s, IPortalContent p, string id) => ApiPages.DocumentAsync(c, s, p, id, "yaml"));
        portal.MapGet("/apis/{id}/reference", ApiPages.ReferenceAsync);
        portal.MapGet("/apis/{id}/operations/{operationId}", OperationPage.RenderAsync);
        return app;
    }
}
