using System.Globalization;
using EdgeGateway.Proxy;

namespace EdgeGateway.Policies.Caching;

/// <summary>
/// Answers a request from the entry its cache-lookup found: the stored status and headers, <c>Age</c>, then outbound on
/// that response as on the backend's (APIM runs outbound on a hit; a cache-store there does not store it again), then the
/// stored body unless an outbound policy replaced or failed it.
/// </summary>
internal static class CachedAnswer
{
    public static async Task ServeAsync(PolicyRun run)
    {
        var state = run.Cache!;
        var entry = state.Hit!.Value;
        var response = run.Http.Response;
        response.StatusCode = entry.Status;
        foreach (var (name, values) in entry.Headers)
        {
            response.Headers[name] = values;
        }

        var age = entry.AgeAt(state.Lookup.Now);
        response.Headers.Age = age.ToString(CultureInfo.InvariantCulture);
        state.Lookup.SetDownstream(response, Math.Max(0, entry.TimeToLiveSeconds - age));
        if (run.Pipeline.Outbound.Length > 0)
        {
            using var message = Message(entry);
            run.BackendResponse = message;
            if (!await GatewayTransformer.OutboundAsync(run))
            {
                return; // answered by outbound (set-body, return-response), or failed into onError
            }
        }

        response.ContentLength = entry.Body.Length;
        if (entry.Status is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            response.ContentLength = null;
            return;
        }

        await response.Body.WriteAsync(entry.Body, run.Http.RequestAborted);
    }

    /// <summary>The entry as a backend response, for outbound policies that read the body (find-and-replace) and its content headers.</summary>
    private static HttpResponseMessage Message(CachedResponse entry)
    {
        var content = new ReadOnlyMemoryContent(entry.Body);
        foreach (var (name, values) in entry.Headers)
        {
            if (IsContentHeader(name))
            {
                content.Headers.TryAddWithoutValidation(name, values);
            }
        }

        return new HttpResponseMessage((System.Net.HttpStatusCode)entry.Status) { Content = content };
    }

    private static bool IsContentHeader(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || name.Equals("Expires", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase) || name.Equals("Allow", StringComparison.OrdinalIgnoreCase);
}
