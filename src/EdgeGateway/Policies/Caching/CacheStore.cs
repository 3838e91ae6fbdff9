using Microsoft.Extensions.Primitives;

namespace EdgeGateway.Policies.Caching;

/// <summary>
/// APIM's cache-store: keeps the response under the key its cache-lookup missed, for <c>duration</c> seconds. Stored as it
/// stands when cache-store runs (status and headers then; the body as it reaches the client), only for a request a
/// cache-lookup looked up (a GET), only a 200 unless <c>cacheResponse</c> is true, never a response marked
/// <c>Cache-Control: no-store</c>, nor <c>private</c> unless the lookup allows private caching, and never a body over
/// <c>maxSize</c> bytes (it streams through; buffering stops at the cap).
/// </summary>
internal sealed class CacheStore(int durationSeconds, bool cacheAnyStatus, int maxSize, PolicyServices services) : PolicyStep
{
    public const string Type = "cache-store";

    /// <summary>maxSize unset: 1 MiB, what the gateway buffers of a body elsewhere (find-and-replace, set-body).</summary>
    public const int DefaultMaxSize = PolicyBodies.MaxBuffered;

    /// <summary>Not kept with an entry: framing (the hit gets its own), the time fields (the hit gets its own Age and Date), and cookies, which are one client's.</summary>
    private static readonly HashSet<string> NotStored = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Date", "Age", "Set-Cookie",
    };

    public static CacheStore Create(PolicyAttributes a, PolicyServices services) =>
        new(a.Int("duration") ?? 0, a.Bool("cacheResponse") ?? false, a.Int("maxSize") ?? DefaultMaxSize, services);

    public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException("cache-store may write the cache: ApplyAsync");

    public override ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
    {
        var response = run.Http.Response;
        if (run.Cache is not { Hit: null, Storing: false } state || durationSeconds < 1
            || (!cacheAnyStatus && response.StatusCode != StatusCodes.Status200OK)
            || ForbidsStoring(response.Headers.CacheControl, state.Lookup.AllowPrivate))
        {
            return new(PolicyResult.Continue);
        }

        var body = run.ResponseBody;
        var content = run.BackendResponse?.Content;
        var length = body?.Length ?? content?.Headers.ContentLength;
        if (length > maxSize || (body is null && content is null))
        {
            return new(PolicyResult.Continue);
        }

        state.Storing = true;
        var write = new CacheWrite(services, state.Key, services.Time.GetUtcNow(), durationSeconds, response.StatusCode,
            Headers(response.Headers), maxSize, length);
        state.Lookup.SetDownstream(response, durationSeconds);
        if (body is not null)
        {
            var stored = write.StoreAsync(body);
            return stored.IsCompletedSuccessfully ? new(PolicyResult.Continue) : ContinueAfter(stored);
        }

        run.BackendResponse!.Content = new CapturingContent(content!, write);
        return new(PolicyResult.Continue);
    }

    /// <summary>Cache-Control's no-store, or private (unless allowed): the origin said no shared cache keeps this.</summary>
    internal static bool ForbidsStoring(StringValues cacheControl, bool allowPrivate)
    {
        foreach (var value in cacheControl)
        {
            var text = value.AsSpan();
            foreach (var range in text.Split(','))
            {
                var directive = text[range].Trim();
                var equals = directive.IndexOf('=');
                var name = (equals < 0 ? directive : directive[..equals]).TrimEnd();
                if (name.Equals("no-store", StringComparison.OrdinalIgnoreCase)
                    || (!allowPrivate && name.Equals("private", StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static async ValueTask<PolicyResult> ContinueAfter(ValueTask stored)
    {
        await stored;
        return PolicyResult.Continue;
    }

    private static List<KeyValuePair<string, string[]>> Headers(IHeaderDictionary headers)
    {
        var kept = new List<KeyValuePair<string, string[]>>(headers.Count);
        foreach (var (name, values) in headers)
        {
            if (!NotStored.Contains(name) && values.Count > 0)
            {
                kept.Add(new(name, values.ToArray()!));
            }
        }

        return kept;
    }
}
