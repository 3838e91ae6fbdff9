using ManagementPlane.State;

namespace ManagementPlane.Hosting;

/// <summary>
/// <c>/healthz/live</c> and <c>/healthz/ready</c>, as the gateway's: anonymous (a platform's probe has no admin key) and
/// plain text. Live answers 200 once the server listens; ready answers 200 once the settings, keys and head record are
/// loaded (<see cref="StartupLoader"/>), 503 before that or when loading failed.
/// </summary>
internal static class HealthEndpoints
{
    public const string Live = "/healthz/live";
    public const string Ready = "/healthz/ready";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet(Live, static (HttpContext context) => Plain(context, 200, "live"))
            .Produces<string>(200, "text/plain")
            .WithDescription("Liveness: 200 while the process serves HTTP. No credentials.");
        app.MapGet(Ready, static (HttpContext context, StartupLoader loader) => loader.IsLoaded
                ? Plain(context, 200, "ready")
                : Plain(context, 503, "not ready: settings, keys and state are not loaded yet"))
            .Produces<string>(200, "text/plain")
            .Produces<string>(503, "text/plain")
            .WithDescription("Readiness: 200 once the settings, keys and state are loaded; 503 before. No credentials.");
        return app;
    }

    private static IResult Plain(HttpContext context, int status, string text)
    {
        context.Response.Headers.CacheControl = "no-store";
        return Results.Text(text, "text/plain; charset=utf-8", statusCode: status);
    }
}
