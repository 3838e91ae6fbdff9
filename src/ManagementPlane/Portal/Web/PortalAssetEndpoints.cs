using Microsoft.Net.Http.Headers;

namespace ManagementPlane.Portal.Web;

/// <summary><c>GET /portal/assets/{name}</c>: embedded assets with a strong ETag; a versioned URL is immutable.</summary>
internal static class PortalAssetEndpoints
{
    public static WebApplication MapPortalAssets(this WebApplication app)
    {
        app.MapGet(PortalAssets.Prefix + "{name}", Serve).ExcludeFromDescription();
        return app;
    }

    internal static IResult Serve(HttpContext context, string name)
    {
        if (PortalAssets.Get(name) is not { } asset)
        {
            return Results.NotFound();
        }

        // The gzip bytes are another representation of the same asset: another ETag (RFC 9110 8.8.3).
        var gzip = asset.Gzip is not null && AcceptsGzip(context.Request);
        var etag = gzip ? asset.ETag.TrimEnd('"') + "-gzip\"" : asset.ETag;
        var headers = context.Response.Headers;
        headers.ETag = etag;
        headers.XContentTypeOptions = "nosniff";
        // The version in the URL is the content's hash: that URL never changes meaning. Without it, revalidate.
        headers.CacheControl = context.Request.Query["v"] == asset.Version
            ? "public, max-age=31536000, immutable"
            : "no-cache";
        if (asset.Gzip is not null)
        {
            headers.Vary = HeaderNames.AcceptEncoding;
        }

        if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        if (gzip)
        {
            headers.ContentEncoding = "gzip";
            return Results.Bytes(asset.Gzip!, asset.ContentType);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        request.Headers.AcceptEncoding.Any(v => v is not null && v.Contains("gzip", StringComparison.OrdinalIgnoreCase));
}
