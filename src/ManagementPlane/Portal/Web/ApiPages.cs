using System.Text;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.State;
using Microsoft.Net.Http.Headers;

namespace ManagementPlane.Portal.Web;

/// <summary>
/// <c>GET /portal/apis/{id}</c> (description, operations, document links), the OpenAPI document download and the
/// API reference page. An API that no published product contains is a 404 on every one of them.
/// </summary>
internal static class ApiPages
{
    public static async Task<IResult> ApiAsync(HttpContext context, StateStore store, IPortalContent content, string id)
    {
        var catalogue = new PortalCatalogue((await store.ReadAsync(context.RequestAborted)).State);
        if (catalogue.FindApi(id) is not { } api)
        {
            return await PortalLayout.NotFoundAsync(context);
        }

        var stored = await content.GetApiAsync(api.Id!, context.RequestAborted);
        var apiSegment = Html.Segment(api.Id!);
        var body = new StringBuilder();
        body.Append("<div class=\"description\">").Append(PortalMarkdown.ToHtml(stored?.Description)).Append("</div>\n");
        body.Append("<p>Products: ");
        var products = catalogue.ProductsOf(api.Id);
        for (var i = 0; i < products.Count; i++)
        {
            body.Append(i == 0 ? "" : ", ").Append("<a href=\"/portal/products/").Append(Html.Segment(products[i].Id!)).Append("\">")
                .Append(Html.Encode(CataloguePages.NameOf(products[i]))).Append("</a>");
        }

        body.Append("</p>\n<h2>Operations</h2>\n");
        if (api.Operations is not { Count: > 0 } operations)
        {
            body.Append("<p>Every method and path under <code>").Append(Html.Encode(ApiPath(api))).Append("</code> is served.</p>\n");
        }
        else
        {
            body.Append("<ul class=\"operations\">\n");
            foreach (var operation in operations.Where(o => !string.IsNullOrEmpty(o.Id)))
            {
                body.Append("<li><a href=\"/portal/apis/").Append(apiSegment).Append("/operations/").Append(Html.Segment(operation.Id!)).Append("\">")
                    .Append("<span class=\"method\">").Append(Html.Encode(operation.Method)).Append("</span> ")
                    .Append("<code>").Append(Html.Encode(operation.UrlTemplate)).Append("</code></a>");
                if (!string.IsNullOrWhiteSpace(operation.Name) && operation.Name != operation.Id)
                {
                    body.Append(" &ndash; ").Append(Html.Encode(operation.Name));
                }

                body.Append("</li>\n");
            }

            body.Append("</ul>\n");
        }

        body.Append("<h2>Documentation</h2>\n<ul>\n");
        if (DocumentFormat(stored) is { } format)
        {
            body.Append("<li><a href=\"/portal/apis/").Append(apiSegment).Append("/reference\">API reference</a></li>\n")
                .Append("<li><a href=\"/portal/apis/").Append(apiSegment).Append("/openapi.").Append(format).Append("\" download>Download OpenAPI document</a></li>\n");
        }
        else
        {
            body.Append("<li>No OpenAPI document is published for this API.</li>\n");
        }

        body.Append("</ul>\n");
        return await PortalLayout.PageAsync(context, new PortalPage(CataloguePages.NameOf(api), body.ToString()));
    }

    /// <summary>The stored document as a file: <c>openapi.json</c> or <c>openapi.yaml</c>, whichever it is stored as.</summary>
    public static async Task<IResult> DocumentAsync(HttpContext context, StateStore store, IPortalContent content, string id, string format)
    {
        var catalogue = new PortalCatalogue((await store.ReadAsync(context.RequestAborted)).State);
        if (catalogue.FindApi(id) is not { } api
            || await content.GetApiAsync(api.Id!, context.RequestAborted) is not { } stored
            || DocumentFormat(stored) != format)
        {
            return await PortalLayout.NotFoundAsync(context);
        }

        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName($"{api.Id}.openapi.{format}");
        var headers = context.Response.Headers;
        headers.ContentDisposition = disposition.ToString();
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        return Results.Text(stored.OpenApiDocument!, format == "json" ? "application/json; charset=utf-8" : "application/yaml; charset=utf-8");
    }

    /// <summary>
    /// The document rendered by Scalar's bundle, served from the binary. The page passes the document URL and the
    /// gateway's URL for the API to <c>reference.js</c> through data attributes (no inline script under the policy).
    /// </summary>
    public static async Task<IResult> ReferenceAsync(HttpContext context, StateStore store, IPortalContent content, string id)
    {
        var catalogue = new PortalCatalogue((await store.ReadAsync(context.RequestAborted)).State);
        if (catalogue.FindApi(id) is not { } api
            || DocumentFormat(await content.GetApiAsync(api.Id!, context.RequestAborted)) is not { } format)
        {
            return await PortalLayout.NotFoundAsync(context);
        }

        var settings = await PortalLayout.SettingsAsync(context);
        var apiSegment = Html.Segment(api.Id!);
        var body = new StringBuilder()
            .Append("<p><a href=\"/portal/apis/").Append(apiSegment).Append("\">Back to ").Append(Html.Encode(CataloguePages.NameOf(api))).Append("</a></p>\n")
            .Append("<noscript>").Append(Html.Alert("The API reference needs JavaScript; the document itself can be downloaded."))
            .Append("<p><a href=\"/portal/apis/").Append(apiSegment).Append("/openapi.").Append(format).Append("\">Download OpenAPI document</a></p></noscript>\n")
            .Append("<div id=\"portal-reference\" data-url=\"/portal/apis/").Append(apiSegment).Append("/openapi.").Append(format).Append('"');
        if (GatewayBase(settings) is { } gateway)
        {
            body.Append(" data-server=\"").Append(Html.Attr(gateway + ApiPath(api))).Append('"');
        }

        body.Append("></div>\n");
        var page = new PortalPage($"{CataloguePages.NameOf(api)} API reference", body.ToString())
        {
            Scripts = [PortalAssets.Url(PortalAssets.ScalarBundle), PortalAssets.Url("reference.js")],
            AllowInlineStyles = true, // Scalar injects its stylesheet as <style> elements
        };
        return PortalLayout.Result(settings, context, page);
    }

    /// <summary>"json" or "yaml" when a document is stored, else null.</summary>
    internal static string? DocumentFormat(ApiContent? content) =>
        string.IsNullOrWhiteSpace(content?.OpenApiDocument) ? null
        : string.Equals(content.OpenApiFormat, "yaml", StringComparison.OrdinalIgnoreCase) ? "yaml"
        : "json";

    /// <summary>The API's path prefix as the gateway serves it: "/echo", or "" for the root.</summary>
    internal static string ApiPath(ApiDefinition api)
    {
        var path = (api.Path ?? "").Trim('/');
        return path.Length == 0 ? "" : "/" + path;
    }

    /// <summary>The configured gateway URL without a trailing slash, when it is an absolute http(s) URL; else null (no try-it).</summary>
    internal static string? GatewayBase(PortalSettings settings) =>
        Uri.TryCreate(settings.GatewayUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? settings.GatewayUrl!.TrimEnd('/')
            : null;
}
