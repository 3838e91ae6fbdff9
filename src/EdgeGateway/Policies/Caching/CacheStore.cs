using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace EdgeGateway.Policies.Caching;

/// <summary>
/// APIM's cache-store: keeps the response under the key its cache-lookup missed, for <c>duration</c> seconds. Stored as it
/// stands when cache-store runs (status and headers then; the body as it reaches the client), only for a request a
/// cache-lookup looked up (a GET, neither a range nor a conditional request), only a 200 unless <c>cacheResponse</c> is
/// true (never a 206 or 304), never a response marked <c>Cache-Control: no-store</c>, nor <c>private</c> unless the lookup
/// allows private caching, nor one with <c>Set-Cookie</c> (one client's), nor one whose <c>Vary</c> names a header the key
/// does not hold, and never a body over <c>maxSize</c> bytes (it streams through; buffering stops at the cap).
/// </summary>
internal sealed class CacheStore(int durationSeconds, bool cacheAnyStatus, int maxSize, PolicyServices services) : PolicyStep
{
    public const string Type = "cache-store";

    /// <summary>maxSize unset: 1 MiB, what the gateway buffers of a body elsewhere (find-and-replace, set-body).</summary>
    public const int DefaultMaxSize = PolicyBodies.MaxBuffered;

    /// <summary>Not kept with an entry: framing (the hit gets its own), the time fields (the hit gets its own Age and Date); Set-Cookie too, though a response with it is not stored at all.</summary>
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
            || !Storable(response.StatusCode, cacheAnyStatus)
            || IsPartialOrConditional(run.Http.Request.Headers)
            || response.Headers.ContainsKey(HeaderNames.SetCookie)
            || ForbidsStoring(response.Headers.CacheControl, state.Lookup.AllowPrivate)
            || !KeyCoversVary(response.Headers.Vary, state.Lookup))
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
            Headers(response.Headers), maxSize, length, lengthInHand: body is not null);
        state.Lookup.SetDownstream(response, durationSeconds);
        if (body is not null)
        {
            state.PendingWrite = write; // stored when outbound ends in Continue with this body (GatewayTransformer.OutboundAsync)
            state.PendingBody = body;
            return new(PolicyResult.Continue);
        }

        run.BackendResponse!.Content = new CapturingContent(content!, write);
        return new(PolicyResult.Continue);
    }

    /// <summary>
    /// 200, or any status with cacheResponse, but never 206 (a part of the body) nor 304 (no body at all): stored under the
    /// plain key, either would answer later requests for the whole resource.
    /// </summary>
    internal static bool Storable(int status, bool cacheAnyStatus) =>
        status == StatusCodes.Status200OK
        || (cacheAnyStatus && status is not (StatusCodes.Status206PartialContent or StatusCodes.Status304NotModified));

    /// <summary>
    /// A request for a range or a conditional one: the backend's answer to it depends on headers the key does not hold
    /// (a 200 to If-None-Match may still be fine, but a backend may also answer 412 or a part). Not stored; such requests
    /// are still answered from an entry another request stored (the full response, which HTTP allows a server to send).
    /// </summary>
    internal static bool IsPartialOrConditional(IHeaderDictionary request) =>
        request.ContainsKey(HeaderNames.Range) || request.ContainsKey(HeaderNames.IfNoneMatch)
        || request.ContainsKey(HeaderNames.IfModifiedSince) || request.ContainsKey(HeaderNames.IfMatch)
        || request.ContainsKey(HeaderNames.IfUnmodifiedSince) || request.ContainsKey(HeaderNames.IfRange);

    /// <summary>
    /// The backend's Vary names only headers the lookup's key varies by: <c>*</c> or any other name means the answer
    /// depends on something the key does not hold, and it is not stored.
    /// </summary>
    internal static bool KeyCoversVary(StringValues vary, CacheLookup lookup)
    {
        foreach (var value in vary)
        {
            var text = value.AsSpan();
            foreach (var range in text.Split(','))
            {
                var name = text[range].Trim();
                if (name.IsEmpty)
                {
                    continue;
                }

                if (name.SequenceEqual("*") || !lookup.VariesBy(name))
                {
                    return false;
                }
            }
        }

        return true;
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
