using System.Text;
using ManagementPlane.Portal.Consumer;

namespace ManagementPlane.Portal.Web;

/// <summary>
/// The portal's page chrome: <c>&lt;header&gt;</c> (title, logo, main nav), <c>&lt;main&gt;</c> with the page's one
/// <c>&lt;h1&gt;</c>, <c>&lt;footer&gt;</c>. Every portal page (catalogue and account pages alike) goes through it, so
/// they share one look, one nav and one set of security headers. Only local assets are referenced.
/// </summary>
internal static class PortalLayout
{
    /// <summary>The full HTML document for <paramref name="page"/>.</summary>
    /// <param name="settings">Title and logo of the portal.</param>
    /// <param name="context">The request: its session (helper C's <see cref="PortalSession"/>) decides the nav (My subscriptions and Sign out, or Sign in and Sign up).</param>
    /// <param name="page">The page's title and body.</param>
    public static string Render(PortalSettings settings, HttpContext context, PortalPage page)
    {
        var html = new StringBuilder(4096);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Html.Encode(page.Title)).Append(" - ").Append(Html.Encode(settings.Title)).Append("</title>\n")
            .Append("<link rel=\"stylesheet\" href=\"").Append(Html.Attr(PortalAssets.Url("portal.css"))).Append("\">\n");
        foreach (var sheet in page.Stylesheets)
        {
            html.Append("<link rel=\"stylesheet\" href=\"").Append(Html.Attr(sheet)).Append("\">\n");
        }

        html.Append("</head>\n<body>\n");
        AppendHeader(html, settings, context);
        html.Append("<main id=\"main\">\n<h1>").Append(Html.Encode(page.Heading ?? page.Title)).Append("</h1>\n")
            .Append(page.Body)
            .Append("\n</main>\n<footer><p>").Append(Html.Encode(settings.Title))
            .Append(" &middot; served by the EdgeGateway management plane</p></footer>\n");
        foreach (var script in page.Scripts)
        {
            html.Append("<script src=\"").Append(Html.Attr(script)).Append("\"></script>\n");
        }

        return html.Append("</body>\n</html>\n").ToString();
    }

    /// <summary>The page as a result: HTML, its status, no caching (pages show per-consumer state), a strict content security policy.</summary>
    /// <remarks>Renders now (not when the result executes), so the anti-forgery field may still set its cookie.</remarks>
    public static IResult Result(PortalSettings settings, HttpContext context, PortalPage page) =>
        new PortalHtmlResult(Render(settings, context, page), page.StatusCode, ContentSecurityPolicy(settings, page));

    /// <summary>Reads the settings (<see cref="IPortalContent"/>) and renders the page.</summary>
    public static async Task<IResult> PageAsync(HttpContext context, PortalPage page) =>
        Result(await SettingsAsync(context), context, page);

    /// <summary>A page that says what is wrong, in an element with <c>role="alert"</c>, with the given status (400, 404, 422, 429...).</summary>
    public static Task<IResult> ErrorAsync(HttpContext context, int statusCode, string title, string message) =>
        PageAsync(context, new PortalPage(title, Html.Alert(message) + "<p><a href=\"/portal\">Back to the catalogue</a></p>") { StatusCode = statusCode });

    /// <summary>The 404 page (unknown, unpublished or hidden product, API or operation: the portal does not say which).</summary>
    public static Task<IResult> NotFoundAsync(HttpContext context) =>
        ErrorAsync(context, StatusCodes.Status404NotFound, "Not found", "This page does not exist, or is not published.");

    /// <summary>The portal's settings (title, logo, gateway URL) from <see cref="IPortalContent"/>.</summary>
    public static Task<PortalSettings> SettingsAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<IPortalContent>().GetSettingsAsync(context.RequestAborted);

    private static void AppendHeader(StringBuilder html, PortalSettings settings, HttpContext context)
    {
        html.Append("<header>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<a class=\"brand\" href=\"/portal\">");
        if (IsSafeLogo(settings.Logo))
        {
            // Empty alt: the title next to it says the same; the logo is decoration.
            html.Append("<img src=\"").Append(Html.Attr(settings.Logo)).Append("\" alt=\"\" height=\"32\">");
        }

        html.Append("<span>").Append(Html.Encode(settings.Title)).Append("</span></a>\n")
            .Append("<nav aria-label=\"Main\"><ul>\n<li><a href=\"/portal\">Catalogue</a></li>\n");
        var viewer = PortalSession.Current(context);
        if (viewer is null)
        {
            html.Append("<li><a href=\"/portal/signin\">Sign in</a></li>\n<li><a href=\"/portal/signup\">Sign up</a></li>\n");
        }
        else
        {
            html.Append("<li><a href=\"/portal/subscriptions\">My subscriptions</a></li>\n")
                .Append("<li class=\"viewer\">").Append(Html.Encode(viewer.DisplayName)).Append("</li>\n")
                .Append("<li>").Append(PortalSignOutForm.Render(context)).Append("</li>\n");
        }

        html.Append("</ul></nav>\n</header>\n");
    }

    /// <summary>Only an inline image: a data: URI of png, jpeg or svg (the admin API checks too; an svg in an img element runs no script).</summary>
    internal static bool IsSafeLogo(string? logo) =>
        logo is not null && (logo.StartsWith("data:image/png;", StringComparison.OrdinalIgnoreCase)
            || logo.StartsWith("data:image/jpeg;", StringComparison.OrdinalIgnoreCase)
            || logo.StartsWith("data:image/svg+xml;", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Scripts and styles only from the plane itself, images also inline (the logo), fetches also to the gateway
    /// try-it calls; forms post only here; no framing. A browser enforces "no external network calls" with it.
    /// </summary>
    internal static string ContentSecurityPolicy(PortalSettings settings, PortalPage page)
    {
        var connect = "'self'";
        if (Uri.TryCreate(settings.GatewayUrl, UriKind.Absolute, out var gateway) && (gateway.Scheme == Uri.UriSchemeHttp || gateway.Scheme == Uri.UriSchemeHttps))
        {
            connect += " " + gateway.GetLeftPart(UriPartial.Authority);
        }

        var style = page.AllowInlineStyles ? "'self' 'unsafe-inline'" : "'self'";
        return $"default-src 'none'; script-src 'self'; style-src {style}; img-src 'self' data:; font-src 'self' data:; connect-src {connect}; " +
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    }
}
