using System.Text.Encodings.Web;

namespace ManagementPlane.Portal.Consumer;

/// <summary>How the consumer pages answer: a whole page in the portal's layout, a redirect, or the forged-form page.</summary>
internal static class ConsumerPage
{
    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    /// <summary>A page: <paramref name="body"/> is HTML (already encoded) that starts with the page's one h1.</summary>
    public static IResult Html(HttpContext context, string title, string body, int status = StatusCodes.Status200OK)
    {
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(Layout(context, title, body), "text/html; charset=utf-8", statusCode: status);
    }

    public static string Alert(string text) => $"<p role=\"alert\">{Encode(text)}</p>";

    public static string Status(string text) => $"<p role=\"status\">{Encode(text)}</p>";

    /// <summary>A post without a valid anti-forgery field: nothing was changed.</summary>
    public static IResult Forged(HttpContext context, ILogger logger)
    {
        ConsumerLog.Forged(logger, context.Request.Path.Value ?? "");
        return Html(context, "Form expired",
            $"<h1>Form expired</h1>{Alert("The form has expired or was not sent from this site. Nothing was changed: go back, reload the page and try again.")}",
            StatusCodes.Status400BadRequest);
    }

    /// <summary>See Other: after a post, the browser asks for <paramref name="location"/> with a GET.</summary>
    public static IResult Redirect(string location) => new SeeOther(location);

    // Until P's PortalLayout lands: a minimal page with the same landmarks.
    private static string Layout(HttpContext context, string title, string body) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{Encode(title)}</title></head>
        <body>
        <header><nav aria-label="Main"><a href="/portal">Catalogue</a> {Nav(context)}</nav></header>
        <main>
        {body}
        </main>
        <footer></footer>
        </body>
        </html>
        """;

    private static string Nav(HttpContext context) => PortalSession.Current(context) is null
        ? """<a href="/portal/signin">Sign in</a> <a href="/portal/signup">Sign up</a>"""
        : $"""<a href="/portal/subscriptions">My subscriptions</a> {PortalSignOutForm.Render(context)}""";

    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
