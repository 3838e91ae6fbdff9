namespace ManagementPlane.Portal.Store;

internal static class ResultLocation
{
    /// <summary>Sets <c>Location</c> when the result runs (a created resource's URL).</summary>
    public static IResult WithLocation(this IResult result, string location) => new Located(result, location);

    private sealed class Located(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
