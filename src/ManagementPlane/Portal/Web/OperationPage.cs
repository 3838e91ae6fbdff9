using System.Text;
using System.Text.RegularExpressions;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Portal.Consumer;
using ManagementPlane.Resources;
using ManagementPlane.State;

namespace ManagementPlane.Portal.Web;

/// <summary>
/// <c>GET /portal/apis/{id}/operations/{operationId}</c>: the operation and its try-it form. The form is plain HTML;
/// <c>try-it.js</c> sends the request from the browser to the configured gateway (so the call goes through the same
/// policies, keys and CORS rules as any client's) and shows the status, the headers the gateway exposes and the body.
/// </summary>
internal static partial class OperationPage
{
    /// <summary>The subscription key header a gateway reads when the API names none (APIM's).</summary>
    public const string DefaultKeyHeader = "Ocp-Apim-Subscription-Key";

    private static readonly string[] BodyMethods = ["POST", "PUT", "PATCH", "DELETE", "*"];

    private static readonly string[] AnyMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public static async Task<IResult> RenderAsync(HttpContext context, StateStore store, IConsumerSubscriptions subscriptions, string id, string operationId)
    {
        var catalogue = new PortalCatalogue((await store.ReadAsync(context.RequestAborted)).State);
        if (catalogue.FindApi(id) is not { } api || PortalCatalogue.FindOperation(api, operationId) is not { } operation)
        {
            return await PortalLayout.NotFoundAsync(context);
        }

        var settings = await PortalLayout.SettingsAsync(context);
        IReadOnlyList<(string Label, string Key)> keys = [];
        if (PortalSession.Current(context) is { } consumer)
        {
            var productIds = catalogue.ProductsOf(api.Id).Select(p => p.Id!).ToList();
            keys = (await subscriptions.ListAsync(consumer.AccountId, context.RequestAborted))
                .Where(s => s.State == SubscriptionStates.Active && !string.IsNullOrEmpty(s.PrimaryKey) && productIds.Any(p => Crud.SameId(p, s.ProductId)))
                .Select(s => (Label: $"{s.Name ?? s.Id} ({ProductName(catalogue, s.ProductId)})", Key: s.PrimaryKey!))
                .ToList();
        }

        var body = new StringBuilder()
            .Append("<p><span class=\"method\">").Append(Html.Encode(operation.Method)).Append("</span> <code>")
            .Append(Html.Encode(ApiPages.ApiPath(api) + operation.UrlTemplate)).Append("</code></p>\n")
            .Append("<p><a href=\"/portal/apis/").Append(Html.Segment(api.Id!)).Append("\">Back to ").Append(Html.Encode(CataloguePages.NameOf(api))).Append("</a></p>\n")
            .Append("<h2>Try it</h2>\n");
        AppendTryIt(body, settings, api, operation, keys, signedIn: PortalSession.Current(context) is not null);
        var page = new PortalPage(string.IsNullOrWhiteSpace(operation.Name) ? operation.Id! : operation.Name, body.ToString())
        {
            Scripts = [PortalAssets.Url("try-it.js")],
        };
        return PortalLayout.Result(settings, context, page);
    }

    internal static void AppendTryIt(StringBuilder body, PortalSettings settings, ApiDefinition api, OperationDefinition operation,
        IReadOnlyList<(string Label, string Key)> keys, bool signedIn)
    {
        if (ApiPages.GatewayBase(settings) is not { } gateway)
        {
            body.Append("<p class=\"notice\" id=\"try-it-unavailable\">Try it is not configured: an administrator has not set the gateway URL of this portal.</p>\n");
            return;
        }

        var method = (operation.Method ?? "GET").ToUpperInvariant();
        var template = operation.UrlTemplate ?? "/";
        body.Append("<form id=\"try-it\" data-base=\"").Append(Html.Attr(gateway + ApiPages.ApiPath(api)))
            .Append("\" data-template=\"").Append(Html.Attr(template))
            .Append("\" data-method=\"").Append(Html.Attr(method))
            .Append("\" data-key-header=\"").Append(Html.Attr(KeyHeader(api))).Append("\">\n");
        if (method == "*")
        {
            body.Append("<p class=\"field\"><label for=\"try-it-method\">Method</label><select id=\"try-it-method\" name=\"method\">");
            foreach (var m in AnyMethods)
            {
                body.Append("<option>").Append(m).Append("</option>");
            }

            body.Append("</select></p>\n");
        }

        if (keys.Count > 0)
        {
            body.Append("<p class=\"field\"><label for=\"try-it-key\">Subscription key</label><select id=\"try-it-key\" name=\"key\">");
            foreach (var (label, key) in keys)
            {
                body.Append("<option value=\"").Append(Html.Attr(key)).Append("\">").Append(Html.Encode(label)).Append("</option>");
            }

            body.Append("<option value=\"\">(no key)</option></select></p>\n");
        }
        else
        {
            body.Append(Html.Field("try-it-key", "Subscription key", "password", name: "key", autocomplete: "off"));
            body.Append(signedIn
                ? "<p>You have no active subscription to a product with this API: subscribe on a product page, or paste a key.</p>\n"
                : "<p><a href=\"/portal/signin\">Sign in</a> to pick one of your keys, or paste a key.</p>\n");
        }

        foreach (var parameter in PathParameters(template))
        {
            body.Append("<p class=\"field\"><label for=\"try-it-path-").Append(Html.Attr(parameter)).Append("\">").Append(Html.Encode(parameter))
                .Append("</label><input id=\"try-it-path-").Append(Html.Attr(parameter)).Append("\" data-path-parameter=\"").Append(Html.Attr(parameter))
                .Append("\" type=\"text\" required></p>\n");
        }

        if (template.EndsWith("/*", StringComparison.Ordinal))
        {
            body.Append(Html.Field("try-it-rest", "Rest of the path", name: "rest"));
        }

        body.Append(Html.Field("try-it-query", "Query string", name: "query"));
        if (BodyMethods.Contains(method))
        {
            body.Append(Html.Field("try-it-content-type", "Content type", value: "application/json", name: "contentType"))
                .Append("<p class=\"field\"><label for=\"try-it-body-input\">Request body</label><textarea id=\"try-it-body-input\" name=\"body\"></textarea></p>\n");
        }

        body.Append("<p><button type=\"submit\">Send</button></p>\n</form>\n")
            .Append("<section id=\"try-it-result\" aria-live=\"polite\">\n<h3>Response</h3>\n")
            .Append("<p>Status: <output id=\"try-it-status\"></output></p>\n")
            .Append("<h4>Headers</h4>\n<pre id=\"try-it-headers\"></pre>\n<h4>Body</h4>\n<pre id=\"try-it-body\"></pre>\n")
            .Append("<p class=\"hint\">The browser shows only the response headers the gateway exposes (<code>Access-Control-Expose-Headers</code> of its <code>cors</code> policy).</p>\n")
            .Append("</section>\n");
    }

    /// <summary>The header the gateway reads the key from for this API.</summary>
    internal static string KeyHeader(ApiDefinition api) =>
        string.IsNullOrWhiteSpace(api.SubscriptionKeyParameterNames?.Header) ? DefaultKeyHeader : api.SubscriptionKeyParameterNames.Header;

    /// <summary>The <c>{name}</c> parameters of a URL template, in order, each once.</summary>
    internal static IReadOnlyList<string> PathParameters(string template) =>
        ParameterPattern().Matches(template).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    private static string ProductName(PortalCatalogue catalogue, string productId) =>
        catalogue.FindProduct(productId) is { } product ? CataloguePages.NameOf(product) : productId;

    [GeneratedRegex(@"\{([^{}/]+)\}")]
    private static partial Regex ParameterPattern();
}
