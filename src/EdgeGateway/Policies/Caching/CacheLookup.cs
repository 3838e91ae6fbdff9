using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace EdgeGateway.Policies.Caching;

/// <summary>
/// APIM's cache-lookup: a GET whose response a cache-store stored answers from the cache (the backend is not called,
/// the rest of inbound and backend do not run, outbound does, on the stored response, as in APIM). A request with an
/// Authorization header is neither looked up nor stored unless <c>allowPrivateResponseCaching</c>. Only the listed query
/// parameters and headers vary the key (APIM: an unlisted parameter does not); see <see cref="CacheKey"/>.
/// </summary>
internal sealed class CacheLookup : PolicyStep
{
    public const string Type = "cache-lookup";

    private readonly PolicyServices services;
    private readonly string[] queryParameters;
    private readonly string[] headers;
    private readonly bool varyByDeveloper;
    private readonly bool varyByDeveloperGroups;
    private readonly string? downstream;
    private readonly bool mustRevalidate;

    /// <summary>A vary-by name the gateway could not read at load (a withheld secret named value): caching off rather than a wider key.</summary>
    private readonly bool usable;

    private CacheLookup(PolicyServices services, string[]? queryParameters, string[]? headers, bool varyByDeveloper, bool varyByDeveloperGroups,
        string? downstreamCachingType, bool mustRevalidate, bool allowPrivate)
    {
        this.services = services;
        usable = queryParameters is not null && headers is not null;
        this.queryParameters = queryParameters ?? [];
        this.headers = headers ?? [];
        this.varyByDeveloper = varyByDeveloper;
        this.varyByDeveloperGroups = varyByDeveloperGroups;
        downstream = downstreamCachingType is "private" or "public" ? downstreamCachingType : null;
        this.mustRevalidate = mustRevalidate;
        AllowPrivate = allowPrivate;
    }

    /// <summary>allowPrivateResponseCaching: requests with Authorization are cached, and so are responses marked Cache-Control: private.</summary>
    public bool AllowPrivate { get; }

    /// <summary>
    /// Whether <paramref name="name"/> (a header the backend's <c>Vary</c> names) is part of the key: if not, the entry would
    /// answer clients whose value of it differs (a gzip body to one that cannot read it, one Origin's CORS answer to another).
    /// </summary>
    public bool VariesBy(ReadOnlySpan<char> name)
    {
        foreach (var header in headers)
        {
            if (name.Equals(header, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The engine's clock (a fake one in tests): what an entry's Age is measured against.</summary>
    public DateTimeOffset Now => services.Time.GetUtcNow();

    public static CacheLookup Create(PolicyAttributes a, PolicyServices services) => new(services,
        a.Literals("varyByQueryParameters"), a.Literals("varyByHeaders"),
        a.Bool("varyByDeveloper") ?? false, a.Bool("varyByDeveloperGroups") ?? false,
        a.Text("downstreamCachingType"), a.Bool("mustRevalidate") ?? true, a.Bool("allowPrivateResponseCaching") ?? false);

    public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException("cache-lookup reads the cache: ApplyAsync");

    public override ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
    {
        var request = run.Http.Request;
        if (!usable || run.Cache is not null || !HttpMethods.IsGet(request.Method)
            || (!AllowPrivate && request.Headers.ContainsKey(HeaderNames.Authorization)))
        {
            return new(PolicyResult.Continue);
        }

        var state = new CacheRequest(CacheKey.Compose(run, queryParameters, headers, varyByDeveloper, varyByDeveloperGroups), this);
        run.Cache = state;
        ValueTask<byte[]?> pending;
        try
        {
            pending = services.Cache.GetAsync(state.Key);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CacheLog.LookupFailed(services.Logger, e.GetType().Name);
            return new(PolicyResult.Continue);
        }

        return pending.IsCompletedSuccessfully ? new(Found(state, pending.Result)) : AwaitAsync(pending, state);
    }

    /// <summary>
    /// downstreamCachingType private or public: the client may cache the answer for as long as the gateway still holds it
    /// (<c>max-age</c>), with must-revalidate unless mustRevalidate is false. none (the default) leaves Cache-Control as it is.
    /// </summary>
    public void SetDownstream(HttpResponse response, long secondsLeft)
    {
        if (downstream is null)
        {
            return;
        }

        var maxAge = secondsLeft.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = mustRevalidate
            ? string.Concat(downstream, ", max-age=", maxAge, ", must-revalidate")
            : string.Concat(downstream, ", max-age=", maxAge);
    }

    private async ValueTask<PolicyResult> AwaitAsync(ValueTask<byte[]?> pending, CacheRequest state)
    {
        try
        {
            return Found(state, await pending);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CacheLog.LookupFailed(services.Logger, e.GetType().Name);
            return PolicyResult.Continue;
        }
    }

    private PolicyResult Found(CacheRequest state, byte[]? bytes)
    {
        if (bytes is null)
        {
            return PolicyResult.Continue;
        }

        if (!CachedResponse.TryRead(bytes, out var entry))
        {
            CacheLog.EntryUnreadable(services.Logger, bytes.Length);
            return PolicyResult.Continue;
        }

        state.Hit = entry;
        return PolicyResult.Responded;
    }
}
