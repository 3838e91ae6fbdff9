namespace ManagementPlane.Portal.Web;

/// <summary>A rendered portal page with the headers every page needs (no caching, content security policy, no sniffing, no framing).</summary>
internal sealed class PortalHtmlResult(string html, int statusCode, string contentSecurityPolicy) : IResult
{
    public string Html => html;

    public int StatusCode => statusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "text/html; charset=utf-8";
        var headers = response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        return response.WriteAsync(html, httpContext.RequestAborted);
    }
}
