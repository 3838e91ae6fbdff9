using System.Text;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using EdgeGateway.Policies;
using EdgeGateway.Policies.Caching;
using EdgeGateway.Policies.Jwt;
using EdgeGateway.Proxy;
using EdgeGateway.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies.Caching;

/// <summary>What the backend answers a request that reaches it.</summary>
internal sealed record BackendAnswer(int Status = 200, string Body = "from the backend", string? CacheControl = null, string? SetCookie = null,
    string? Vary = null);

/// <summary>What the client got, and whether the backend was called for it.</summary>
internal sealed record ClientAnswer(int Status, string Body, IHeaderDictionary Headers, bool FromBackend);

/// <summary>
/// A snapshot compiled with a fake clock and an in-memory cache, and requests taken through the gateway's steps as the
/// request handler and the forwarder take them: inbound; on a hit the cached answer (outbound on it); otherwise the backend's
/// answer, outbound, then the body read to its end as YARP reads it while sending it to the client.
/// </summary>
internal sealed class CacheHarness
{
    private readonly GatewayRuntime runtime;

    public CacheHarness(string apis, long budget = MemoryResponseCache.DefaultMaxBytes)
    {
        var json = $$"""{ "schemaVersion": 1, "revision": 1, "apis": {{apis}} }""";
        var parsed = SnapshotReader.Parse(Encoding.UTF8.GetBytes(json));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        var report = SnapshotValidator.Validate(parsed.Snapshot!, new ValidationOptions { AllowPlainKeys = true });
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
        Cache = new MemoryResponseCache(Time, budget);
        var services = new PolicyServices(new OpenIdKeyCache(OpenIdKeyCache.DefaultRefreshInterval)) { Time = Time, Cache = Cache };
        runtime = new GatewayRuntime(parsed.Snapshot!, "test", DateTimeOffset.UnixEpoch, policyServices: services);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    public MemoryResponseCache Cache { get; }

    public int BackendCalls { get; private set; }

    /// <summary>An API "a" at /a with these sections, no subscription required.</summary>
    public static string Api(string inbound, string outbound) => $$"""
        [ { "id": "a", "path": "/a", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] },
            "policies": { "inbound": {{inbound}}, "outbound": {{outbound}} } } ]
        """;

    public Task<ClientAnswer> SendAsync(string target = "/a/items", BackendAnswer? backend = null, string method = "GET",
        string? subscriptionId = null, string? productId = null, Action<HttpRequest>? request = null) =>
        SendCoreAsync(target, backend ?? new BackendAnswer(), method, subscriptionId, productId, request);

    private async Task<ClientAnswer> SendCoreAsync(string target, BackendAnswer backend, string method, string? subscriptionId, string? productId,
        Action<HttpRequest>? request)
    {
        var api = runtime.Apis.Single(a => a.Id == "a");
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        var query = target.IndexOf('?');
        http.Request.Path = query < 0 ? target : target[..query];
        http.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(target[query..]);
        http.Response.Body = new MemoryStream();
        request?.Invoke(http.Request);
        var run = new PolicyRun(http, api.Policies.For(productId),
            new PolicyRequest(api, null, subscriptionId, subscriptionId is null ? null : "key", productId, productId, "west"))
        {
            Remainder = RawRemainder.From(target, api.PrefixSegments),
        };

        var result = await PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound);
        if (result == PolicyResult.Responded && run.Cache?.Hit is not null)
        {
            await CachedAnswer.ServeAsync(run);
            return Answer(http, fromBackend: false);
        }

        Assert.Equal(PolicyResult.Continue, result);
        BackendCalls++;
        var response = http.Response;
        response.StatusCode = backend.Status;
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(backend.Body));
        content.Headers.ContentType = new("text/plain");
        content.Headers.ContentLength = Encoding.UTF8.GetByteCount(backend.Body);
        response.ContentType = "text/plain";
        response.Headers["X-Backend"] = "yes";
        if (backend.CacheControl is not null)
        {
            response.Headers.CacheControl = backend.CacheControl;
        }

        if (backend.Vary is not null)
        {
            response.Headers.Vary = backend.Vary;
        }

        if (backend.SetCookie is not null)
        {
            response.Headers.SetCookie = backend.SetCookie;
        }

        using var message = new HttpResponseMessage((System.Net.HttpStatusCode)backend.Status) { Content = content };
        run.BackendResponse = message;
        if (run.Pipeline.Outbound.Length == 0 || await GatewayTransformer.OutboundAsync(run))
        {
            await using var body = await message.Content.ReadAsStreamAsync();
            await body.CopyToAsync(response.Body, 7); // small reads, as a body arrives in pieces
        }

        return Answer(http, fromBackend: true);
    }

    private static ClientAnswer Answer(HttpContext http, bool fromBackend)
    {
        var body = (MemoryStream)http.Response.Body;
        return new(http.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()), http.Response.Headers, fromBackend);
    }
}
