using ManagementPlane.Portal.Web;

namespace ManagementPlane.Portal.Consumer;

/// <summary>How the consumer pages answer: a page in P's <see cref="PortalLayout"/>, a redirect, or the forged-form page.</summary>
internal static class ConsumerPage
{
    /// <summary>A page: <paramref name="title"/> is its h1 (the layout writes it); <paramref name="body"/> is HTML, already encoded.</summary>
    public static Task<IResult> HtmlAsync(HttpContext context, string title, string body, int status = StatusCodes.Status200OK, params string[] scripts) =>
        PortalLayout.PageAsync(context, new PortalPage(title, body) { StatusCode = status, Scripts = scripts });

    /// <summary>A post without a valid anti-forgery field: nothing was changed.</summary>
    public static Task<IResult> ForgedAsync(HttpContext context, ILogger logger)
    {
        ConsumerLog.Forged(logger, context.Request.Path.Value ?? "");
        return PortalLayout.ErrorAsync(context, StatusCodes.Status400BadRequest, "Form expired",
            "The form has expired or was not sent from this site. Nothing was changed: go back, reload the page and try again.");
    }

    /// <summary>See Other: after a post, the browser asks for <paramref name="location"/> with a GET.</summary>
    public static IResult Redirect(string location) => new SeeOther(location);

    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            httpContext.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }
    }
}
