using System.Text;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Portal.Consumer;
using ManagementPlane.State;

namespace ManagementPlane.Portal.Web;

/// <summary><c>GET /portal</c> (the catalogue) and <c>GET /portal/products/{id}</c>: no sign-in needed.</summary>
internal static class CataloguePages
{
    public static async Task<IResult> CatalogueAsync(HttpContext context, StateStore store, IPortalContent content)
    {
        var catalogue = new PortalCatalogue((await store.ReadAsync(context.RequestAborted)).State);
        var body = new StringBuilder();
        if (catalogue.Products.Count == 0)
        {
            body.Append("<p>No products are published yet.</p>\n");
        }

        foreach (var product in catalogue.Products)
        {
            var description = (await content.GetProductAsync(product.Id!, context.RequestAborted))?.Description;
            body.Append("<article>\n<h2><a href=\"/portal/products/").Append(Html.Segment(product.Id!)).Append("\">")
                .Append(Html.Encode(NameOf(product))).Append("</a></h2>\n")
                .Append("<div class=\"description\">").Append(PortalMarkdown.ToHtml(description)).Append("</div>\n</article>\n");
        }

        if (catalogue.Apis is { Count: > 0 } apis)
        {
            body.Append("<h2>APIs</h2>\n<ul class=\"apis\">\n");
            foreach (var api in apis)
            {
                body.Append("<li>").Append(ApiLink(api)).Append("</li>\n");
            }

            body.Append("</ul>\n");
        }

        return await PortalLayout.PageAsync(context, new PortalPage("APIs and products", body.ToString()) { Heading = "Catalogue" });
    }

    public static async Task<IResult> ProductAsync(HttpContext context, StateStore store, IPortalContent content, string id)
    {
        var catalogue = new PortalCatalogue((await store.ReadAsync(context.RequestAborted)).State);
        if (catalogue.FindProduct(id) is not { } product)
        {
            return await PortalLayout.NotFoundAsync(context);
        }

        var description = (await content.GetProductAsync(product.Id!, context.RequestAborted))?.Description;
        var body = new StringBuilder();
        body.Append("<div class=\"description\">").Append(PortalMarkdown.ToHtml(description)).Append("</div>\n");
        var apis = catalogue.ApisOf(product);
        body.Append("<h2>APIs</h2>\n");
        if (apis.Count == 0)
        {
            body.Append("<p>This product has no APIs yet.</p>\n");
        }
        else
        {
            body.Append("<ul class=\"apis\">\n");
            foreach (var api in apis)
            {
                body.Append("<li>").Append(ApiLink(api)).Append("</li>\n");
            }

            body.Append("</ul>\n");
        }

        body.Append("<h2>Subscribe</h2>\n");
        if (product.SubscriptionRequired == false)
        {
            body.Append("<p>This product's APIs need no subscription key.</p>\n");
        }
        else
        {
            // Helper C's form (signed in) or its "Sign in to subscribe" link (anonymous): already encoded HTML.
            body.Append(PortalSubscribeForm.Render(context, product.Id!)).Append('\n');
        }

        return await PortalLayout.PageAsync(context, new PortalPage(NameOf(product), body.ToString()));
    }

    internal static string NameOf(ProductDefinition product) => string.IsNullOrWhiteSpace(product.Name) ? product.Id! : product.Name;

    internal static string NameOf(ApiDefinition api) => string.IsNullOrWhiteSpace(api.Name) ? api.Id! : api.Name;

    private static string ApiLink(ApiDefinition api) =>
        $"<a href=\"/portal/apis/{Html.Segment(api.Id!)}\">{Html.Encode(NameOf(api))}</a>";
}
