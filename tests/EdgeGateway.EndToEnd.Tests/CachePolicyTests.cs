using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// cache-lookup and cache-store through the AOT gateway, in its in-memory cache, against a real Kestrel backend that counts
/// the calls that reach it. Entries live five minutes: none expires while a test runs.
/// </summary>
public sealed class CachePolicyFixture : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();
    private int noStoreCalls;
    private int bigCalls;
    private int cookieCalls;
    private int varyCalls;

    public TestBackend Main { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    /// <summary>Calls to the backend's endpoint that answers <c>Cache-Control: no-store</c>.</summary>
    public int NoStoreCalls => Volatile.Read(ref noStoreCalls);

    /// <summary>Calls to the backend's endpoint that answers 4000 bytes, over the cap of the API in front of it.</summary>
    public int BigCalls => Volatile.Read(ref bigCalls);

    public const int BigLength = 4000;

    /// <summary>Calls to the backend's endpoint that answers with <c>Set-Cookie</c>.</summary>
    public int CookieCalls => Volatile.Read(ref cookieCalls);

    /// <summary>Calls to the backend's endpoint that answers <c>Vary: Accept-Encoding</c> (the API varies by Accept only).</summary>
    public int VaryCalls => Volatile.Read(ref varyCalls);

    public async Task InitializeAsync()
    {
        Main = await TestBackend.StartAsync("main", app =>
        {
            app.MapGet("/ns/{**rest}", (HttpContext context) =>
            {
                Interlocked.Increment(ref noStoreCalls);
                context.Response.Headers.CacheControl = "no-store";
                return context.Response.WriteAsync("not to be kept");
            });
            app.MapGet("/cookie/{**rest}", (HttpContext context) =>
            {
                var call = Interlocked.Increment(ref cookieCalls);
                context.Response.Headers.SetCookie = $"session=client{call}";
                return context.Response.WriteAsync($"page for client{call}");
            });
            app.MapGet("/varies/{**rest}", (HttpContext context) =>
            {
                Interlocked.Increment(ref varyCalls);
                context.Response.Headers.Vary = "Accept-Encoding";
                return context.Response.WriteAsync("depends on Accept-Encoding");
            });
            app.MapGet("/big/{**rest}", (HttpContext context) =>
            {
                Interlocked.Increment(ref bigCalls);
                return context.Response.WriteAsync(new string('b', BigLength)); // chunked: no Content-Length warns the gateway
            });
        });
        const string Store = """{ "type": "cache-store", "duration": 300 }""";
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "products": [ { "id": "gold", "apis": ["dev"] } ],
              "subscriptions": [
                { "id": "alice", "scope": "products/gold", "primaryKey": "alice-key" },
                { "id": "bob", "scope": "products/gold", "primaryKey": "bob-key" } ],
              "apis": [
                { "id": "cached", "path": "/cached", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}"] },
                  "policies": {
                    "inbound": [ { "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false, "varyByHeaders": [ "Accept" ] } ],
                    "outbound": [ {{Store}} ] } },
                { "id": "nostore", "path": "/nostore", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}/ns"] },
                  "policies": {
                    "inbound": [ { "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false } ],
                    "outbound": [ {{Store}} ] } },
                { "id": "big", "path": "/big", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}/big"] },
                  "policies": {
                    "inbound": [ { "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false } ],
                    "outbound": [ { "type": "cache-store", "duration": 300, "maxSize": 1000 } ] } },
                { "id": "dev", "path": "/dev", "backend": { "urls": ["{{Main.Url}}"] },
                  "policies": {
                    "inbound": [ { "type": "cache-lookup", "varyByDeveloper": true, "varyByDeveloperGroups": false } ],
                    "outbound": [ {{Store}} ] } } ] }
            """);
        Gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Main.DisposeAsync();
        folder.Dispose();
    }
}

public sealed class CachePolicyTests(CachePolicyFixture f) : IClassFixture<CachePolicyFixture>
{
    private int BackendCalls(string path) => f.Main.Paths.Count(p => p.StartsWith(path, StringComparison.Ordinal));

    private async Task<HttpResponseMessage> GetAsync(string path, string? accept = null, string? key = null, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (key is not null)
        {
            request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        }

        var response = await f.Gateway.Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task SecondGet_AnsweredByTheGateway_BackendCalledOnce_WithAge()
    {
        using var first = await GetAsync("/cached/second?x=1");
        using var second = await GetAsync("/cached/second?x=1");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, BackendCalls("/second"));
        Assert.Null(first.Headers.Age);
        Assert.NotNull(second.Headers.Age);
        Assert.True(second.Headers.Age < TimeSpan.FromMinutes(5));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("application/json", second.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task VaryByHeader_AnotherAccept_AnotherEntry_SameAcceptHits()
    {
        using var json = await GetAsync("/cached/vary", "application/json");
        using var xml = await GetAsync("/cached/vary", "application/xml");
        using var jsonAgain = await GetAsync("/cached/vary", "application/json");

        Assert.Equal(2, BackendCalls("/vary"));
        Assert.Contains("application/xml", await xml.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(await json.Content.ReadAsStringAsync(), await jsonAgain.Content.ReadAsStringAsync());
        Assert.NotNull(jsonAgain.Headers.Age);
    }

    [Fact]
    public async Task Post_NeverStoredNorAnswered_FromTheCache()
    {
        using var firstPost = await f.Gateway.Client.PostAsync("/cached/post", new StringContent("one"));
        using var secondPost = await f.Gateway.Client.PostAsync("/cached/post", new StringContent("two"));
        using var get = await GetAsync("/cached/post");

        Assert.Equal(HttpStatusCode.OK, secondPost.StatusCode);
        Assert.Contains("\"body\":\"two\"", await secondPost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, BackendCalls("/post"));
        Assert.Null(get.Headers.Age);
    }

    [Fact]
    public async Task NoStoreResponse_NotCached()
    {
        var before = f.NoStoreCalls;

        using var first = await GetAsync("/nostore/item");
        using var second = await GetAsync("/nostore/item");

        Assert.Equal("not to be kept", await second.Content.ReadAsStringAsync());
        Assert.Equal(before + 2, f.NoStoreCalls);
        Assert.Null(second.Headers.Age);
    }

    [Fact]
    public async Task VaryByDeveloper_EntriesNotSharedAcrossSubscriptions()
    {
        using var alice = await GetAsync("/dev/me", key: "alice-key");
        using var bob = await GetAsync("/dev/me", key: "bob-key");
        using var aliceAgain = await GetAsync("/dev/me", key: "alice-key");
        using var bobAgain = await GetAsync("/dev/me", key: "bob-key");

        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
        Assert.Null(bob.Headers.Age);
        Assert.Equal(2, BackendCalls("/me"));
        Assert.NotNull(aliceAgain.Headers.Age);
        Assert.NotNull(bobAgain.Headers.Age);
    }

    [Fact]
    public async Task BodyOverTheCap_ClientGetsAllOfIt_NeverStored()
    {
        var before = f.BigCalls;

        using var first = await GetAsync("/big/file");
        using var second = await GetAsync("/big/file");

        Assert.Equal(CachePolicyFixture.BigLength, (await first.Content.ReadAsStringAsync()).Length);
        Assert.Equal(CachePolicyFixture.BigLength, (await second.Content.ReadAsStringAsync()).Length);
        Assert.Equal(before + 2, f.BigCalls);
    }

    [Fact]
    public async Task AnotherHost_AnotherEntry_ItsOwnForwardedHost()
    {
        // The backend gets the client's host as X-Forwarded-Host and may build links from it: one host's answer stays its own.
        using var a = await GetAsync("/cached/hosts", host: "a.example");
        using var b = await GetAsync("/cached/hosts", host: "b.example");
        using var aAgain = await GetAsync("/cached/hosts", host: "a.example");

        Assert.Equal(2, BackendCalls("/hosts"));
        Assert.Contains("b.example", await b.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(b.Headers.Age);
        Assert.NotNull(aAgain.Headers.Age);
        Assert.Contains("a.example", await aAgain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("b.example", await aAgain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResponseWithSetCookie_NotStored_EachClientGetsItsOwn()
    {
        var before = f.CookieCalls;

        using var first = await GetAsync("/cached/cookie/page");
        using var second = await GetAsync("/cached/cookie/page");

        Assert.Equal(before + 2, f.CookieCalls);
        Assert.Null(second.Headers.Age);
        Assert.Equal($"page for client{before + 2}", await second.Content.ReadAsStringAsync());
        Assert.Equal($"session=client{before + 2}", Assert.Single(second.Headers.GetValues("Set-Cookie")));
    }

    [Fact]
    public async Task BackendVaryNamingAHeaderTheKeyLacks_NotStored()
    {
        var before = f.VaryCalls;

        using var first = await GetAsync("/cached/varies/page");
        using var second = await GetAsync("/cached/varies/page");

        Assert.Equal("depends on Accept-Encoding", await second.Content.ReadAsStringAsync());
        Assert.Equal(before + 2, f.VaryCalls);
        Assert.Null(second.Headers.Age);
    }
}
