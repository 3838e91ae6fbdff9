using static EdgeGateway.Tests.Policies.Caching.CacheHarness;

namespace EdgeGateway.Tests.Policies.Caching;

/// <summary>cache-lookup and cache-store together: what is answered from the cache, under which key, for how long, and what never is.</summary>
public sealed class CachePolicyTests
{
    private const string Lookup = """{ "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false }""";

    private const string Store = """{ "type": "cache-store", "duration": 60 }""";

    private static CacheHarness Harness(string lookup = Lookup, string store = Store, string outbound = "") =>
        new(Api($"[ {lookup} ]", $"[ {store}{(outbound.Length > 0 ? ", " + outbound : "")} ]"));

    [Fact]
    public async Task SecondGet_WithinDuration_AnsweredFromTheCacheWithAgeAndTheStoredHeaders()
    {
        var h = Harness();
        var first = await h.SendAsync(backend: new BackendAnswer(Body: "first answer"));
        h.Time.Advance(TimeSpan.FromSeconds(7.9));

        var second = await h.SendAsync(backend: new BackendAnswer(Body: "second answer"));

        Assert.True(first.FromBackend);
        Assert.False(second.FromBackend);
        Assert.Equal(1, h.BackendCalls);
        Assert.Equal(200, second.Status);
        Assert.Equal("first answer", second.Body);
        Assert.Equal("7", second.Headers.Age.ToString());
        Assert.Equal("yes", second.Headers["X-Backend"].ToString());
        Assert.Equal("text/plain", second.Headers.ContentType.ToString());
        Assert.Equal("first answer".Length, second.Headers.ContentLength);
        Assert.Equal(0, first.Headers.Age.Count);
    }

    [Fact]
    public async Task Entry_OnceItsDurationHasPassed_BackendCalledAgain()
    {
        var h = Harness();
        await h.SendAsync();
        h.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.False((await h.SendAsync()).FromBackend);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        var expired = await h.SendAsync(backend: new BackendAnswer(Body: "fresh"));

        Assert.True(expired.FromBackend);
        Assert.Equal("fresh", expired.Body);
    }

    [Fact]
    public async Task VaryByHeaders_DifferentValuesAreSeparateEntries_SameValueHits()
    {
        var h = Harness("""{ "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false, "varyByHeaders": [ "Accept" ] }""");

        await h.SendAsync(backend: new(Body: "json"), request: r => r.Headers.Accept = "application/json");
        var xml = await h.SendAsync(backend: new(Body: "xml"), request: r => r.Headers.Accept = "application/xml");
        var jsonAgain = await h.SendAsync(request: r => r.Headers.Accept = "application/json");
        var none = await h.SendAsync(backend: new(Body: "none"));

        Assert.True(xml.FromBackend);
        Assert.Equal("json", jsonAgain.Body);
        Assert.False(jsonAgain.FromBackend);
        Assert.True(none.FromBackend);
    }

    [Fact]
    public async Task VaryByQueryParameters_ListedOneSplits_UnlistedOneDoesNot_PathAlwaysDoes()
    {
        var h = Harness("""{ "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false, "varyByQueryParameters": [ "version" ] }""");

        await h.SendAsync("/a/items?version=1&page=1", new BackendAnswer(Body: "v1"));
        var otherPage = await h.SendAsync("/a/items?version=1&page=2");
        var v2 = await h.SendAsync("/a/items?version=2", new BackendAnswer(Body: "v2"));
        var otherPath = await h.SendAsync("/a/other?version=1", new BackendAnswer(Body: "other"));

        Assert.False(otherPage.FromBackend);
        Assert.Equal("v1", otherPage.Body);
        Assert.Equal("v2", v2.Body);
        Assert.True(otherPath.FromBackend);
    }

    [Fact]
    public async Task VaryByDeveloper_AnotherSubscription_GetsItsOwnEntry()
    {
        var h = Harness("""{ "type": "cache-lookup", "varyByDeveloper": true, "varyByDeveloperGroups": false }""");

        await h.SendAsync(backend: new(Body: "alice's"), subscriptionId: "alice");
        var bob = await h.SendAsync(backend: new(Body: "bob's"), subscriptionId: "bob");
        var aliceAgain = await h.SendAsync(subscriptionId: "alice");

        Assert.True(bob.FromBackend);
        Assert.Equal("bob's", bob.Body);
        Assert.Equal("alice's", aliceAgain.Body);
    }

    [Fact]
    public async Task WithoutVaryByDeveloper_SubscriptionsShareTheEntry()
    {
        var h = Harness();

        await h.SendAsync(backend: new(Body: "shared"), subscriptionId: "alice");
        var bob = await h.SendAsync(subscriptionId: "bob");

        Assert.False(bob.FromBackend);
        Assert.Equal("shared", bob.Body);
    }

    [Fact]
    public async Task VaryByDeveloperGroups_AnotherProduct_GetsItsOwnEntry()
    {
        var h = Harness("""{ "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": true }""");

        await h.SendAsync(backend: new(Body: "gold"), productId: "gold");
        var silver = await h.SendAsync(backend: new(Body: "silver"), productId: "silver");
        var goldAgain = await h.SendAsync(productId: "gold");

        Assert.True(silver.FromBackend);
        Assert.False(goldAgain.FromBackend);
        Assert.Equal("gold", goldAgain.Body);
    }

    [Fact]
    public async Task Post_NeverStoredNorAnsweredFromTheCache()
    {
        var h = Harness();

        await h.SendAsync(method: "POST");
        var post = await h.SendAsync(method: "POST");
        var get = await h.SendAsync(backend: new(Body: "get"));

        Assert.True(post.FromBackend);
        Assert.True(get.FromBackend);
        Assert.Equal(3, h.BackendCalls);
    }

    [Fact]
    public async Task Authorization_WithoutAllowPrivateResponseCaching_NeitherLookedUpNorStored()
    {
        var h = Harness();

        await h.SendAsync(backend: new(Body: "public"));
        var authorized = await h.SendAsync(backend: new(Body: "for the token"), request: r => r.Headers.Authorization = "Bearer t");
        await h.SendAsync(backend: new(Body: "again"), request: r => r.Headers.Authorization = "Bearer t");
        var anonymous = await h.SendAsync();

        Assert.True(authorized.FromBackend);
        Assert.Equal("for the token", authorized.Body);
        Assert.Equal("public", anonymous.Body);
        Assert.Equal(3, h.BackendCalls);
    }

    [Fact]
    public async Task Authorization_WithAllowPrivateResponseCachingAndVaryByIt_CachedPerToken()
    {
        var h = Harness("""
            { "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false,
              "allowPrivateResponseCaching": true, "varyByHeaders": [ "Authorization" ] }
            """);

        await h.SendAsync(backend: new(Body: "t1"), request: r => r.Headers.Authorization = "Bearer t1");
        var t2 = await h.SendAsync(backend: new(Body: "t2"), request: r => r.Headers.Authorization = "Bearer t2");
        var t1Again = await h.SendAsync(request: r => r.Headers.Authorization = "Bearer t1");

        Assert.Equal("t2", t2.Body);
        Assert.False(t1Again.FromBackend);
        Assert.Equal("t1", t1Again.Body);
    }

    [Theory]
    [InlineData("no-store")]
    [InlineData("public, No-Store")]
    [InlineData("private")]
    [InlineData("max-age=60, private=\"Set-Cookie\"")]
    public async Task ResponseMarkedNoStoreOrPrivate_NotStored(string cacheControl)
    {
        var h = Harness();

        await h.SendAsync(backend: new(CacheControl: cacheControl));
        var second = await h.SendAsync();

        Assert.True(second.FromBackend);
    }

    [Fact]
    public async Task PrivateResponse_WithAllowPrivateResponseCaching_Stored()
    {
        var h = Harness("""{ "type": "cache-lookup", "varyByDeveloper": true, "varyByDeveloperGroups": false, "allowPrivateResponseCaching": true }""");

        await h.SendAsync(backend: new(CacheControl: "private"), subscriptionId: "s");
        var second = await h.SendAsync(subscriptionId: "s");

        Assert.False(second.FromBackend);
    }

    [Fact]
    public async Task Non200_StoredOnlyWithCacheResponse()
    {
        var plain = Harness();
        await plain.SendAsync(backend: new(Status: 404, Body: "missing"));
        Assert.True((await plain.SendAsync(backend: new(Status: 404))).FromBackend);

        var any = Harness(store: """{ "type": "cache-store", "duration": 60, "cacheResponse": true }""");
        await any.SendAsync(backend: new(Status: 404, Body: "missing"));
        var hit = await any.SendAsync();

        Assert.False(hit.FromBackend);
        Assert.Equal(404, hit.Status);
        Assert.Equal("missing", hit.Body);
    }

    [Fact]
    public async Task BodyOverMaxSize_ClientGetsAllOfIt_NothingStored()
    {
        var h = Harness(store: """{ "type": "cache-store", "duration": 60, "maxSize": 10 }""");

        var big = await h.SendAsync(backend: new(Body: "eleven char"));
        var again = await h.SendAsync(backend: new(Body: "ten chars!"));
        var small = await h.SendAsync();

        Assert.Equal("eleven char", big.Body);
        Assert.True(again.FromBackend);
        Assert.False(small.FromBackend);
        Assert.Equal("ten chars!", small.Body);
    }

    [Fact]
    public async Task Hit_OutboundRunsOnTheStoredResponse_AndIsNotStoredAgain()
    {
        // find-and-replace after cache-store: the backend's body is stored, and rewritten on the way out of every answer.
        var h = Harness(outbound: """{ "type": "find-and-replace", "from": "backend", "to": "gateway" }""");

        var miss = await h.SendAsync();
        h.Time.Advance(TimeSpan.FromSeconds(30));
        var hit = await h.SendAsync();
        h.Time.Advance(TimeSpan.FromSeconds(30));
        var afterExpiry = await h.SendAsync(backend: new BackendAnswer(Body: "new from the backend"));

        Assert.Equal("from the gateway", miss.Body);
        Assert.False(hit.FromBackend);
        Assert.Equal("from the gateway", hit.Body);
        Assert.True(afterExpiry.FromBackend); // the hit at 30 s did not store the entry again with a fresh duration
        Assert.Equal("new from the gateway", afterExpiry.Body);
    }

    [Fact]
    public async Task Hit_OutboundSetHeader_OnTheCachedAnswer()
    {
        var h = Harness(outbound: """{ "type": "set-header", "name": "X-Served", "value": "by outbound" }""");
        await h.SendAsync();

        var hit = await h.SendAsync();

        Assert.False(hit.FromBackend);
        Assert.Equal("by outbound", hit.Headers["X-Served"].ToString());
    }

    [Fact]
    public async Task DownstreamCachingType_Private_ClientToldTheSecondsTheEntryHasLeft()
    {
        var h = Harness("""
            { "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false, "downstreamCachingType": "private" }
            """);

        var miss = await h.SendAsync(backend: new(CacheControl: "max-age=3600"));
        h.Time.Advance(TimeSpan.FromSeconds(20));
        var hit = await h.SendAsync();

        Assert.Equal("private, max-age=60, must-revalidate", miss.Headers.CacheControl.ToString());
        Assert.Equal("private, max-age=40, must-revalidate", hit.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task DownstreamCachingTypeNone_BackendCacheControlReplayedAsStored()
    {
        var h = Harness();

        await h.SendAsync(backend: new(CacheControl: "public, max-age=5"));
        var hit = await h.SendAsync();

        Assert.Equal("public, max-age=5", hit.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task SetCookie_NotReplayedToOtherClients()
    {
        var h = Harness();

        var miss = await h.SendAsync(backend: new(Body: "alice's page", SetCookie: "session=alice"));
        var next = await h.SendAsync(backend: new(Body: "bob's page"));

        Assert.Equal("session=alice", miss.Headers.SetCookie.ToString());
        Assert.True(next.FromBackend); // a body tied to Alice's cookie is never stored for others
        Assert.Equal("bob's page", next.Body);
        Assert.Equal(0, next.Headers.SetCookie.Count);
        Assert.Equal("bob's page", (await h.SendAsync()).Body); // the one without a cookie was stored
    }

    [Fact]
    public async Task AnotherHostOrScheme_GetsItsOwnEntry()
    {
        // The backend builds absolute links from X-Forwarded-Host/Proto: one host's answer must not reach another's clients.
        var h = Harness();

        await h.SendAsync(backend: new(Body: "https://a.example/next"), request: r => { r.Host = new("a.example"); r.Scheme = "https"; });
        var otherHost = await h.SendAsync(backend: new(Body: "https://evil.example/next"), request: r => { r.Host = new("evil.example"); r.Scheme = "https"; });
        var otherScheme = await h.SendAsync(backend: new(Body: "http://a.example/next"), request: r => { r.Host = new("a.example"); r.Scheme = "http"; });
        var same = await h.SendAsync(request: r => { r.Host = new("a.example"); r.Scheme = "https"; });

        Assert.True(otherHost.FromBackend);
        Assert.True(otherScheme.FromBackend);
        Assert.False(same.FromBackend);
        Assert.Equal("https://a.example/next", same.Body);
    }

    [Theory]
    [InlineData(206)]
    [InlineData(304)]
    public async Task PartialOrNotModified_NeverStored_EvenWithCacheResponse(int status)
    {
        var h = Harness(store: """{ "type": "cache-store", "duration": 60, "cacheResponse": true }""");

        await h.SendAsync(backend: new(Status: status, Body: "part"));
        var next = await h.SendAsync(backend: new(Body: "whole"));

        Assert.True(next.FromBackend);
        Assert.Equal(200, next.Status);
        Assert.Equal("whole", next.Body);
    }

    [Theory]
    [InlineData("Range", "bytes=0-3")]
    [InlineData("If-None-Match", "\"v1\"")]
    [InlineData("If-Modified-Since", "Mon, 30 Nov 2026 11:00:00 GMT")]
    [InlineData("If-Match", "\"v1\"")]
    [InlineData("If-Unmodified-Since", "Mon, 30 Nov 2026 11:00:00 GMT")]
    [InlineData("If-Range", "\"v1\"")]
    public async Task RangeOrConditionalRequest_AnswerNotStored_ButServedFromAnEntryAnotherStored(string header, string value)
    {
        var h = Harness();

        var conditional = await h.SendAsync(backend: new(Body: "answer to a conditional request"), request: r => r.Headers[header] = value);
        var plain = await h.SendAsync(backend: new(Body: "whole"));
        var conditionalAgain = await h.SendAsync(request: r => r.Headers[header] = value);

        Assert.True(conditional.FromBackend);
        Assert.True(plain.FromBackend);
        Assert.False(conditionalAgain.FromBackend);
        Assert.Equal("whole", conditionalAgain.Body);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("Accept-Encoding")]
    [InlineData("Accept, Origin")]
    public async Task BackendVary_NamingAHeaderTheKeyLacks_NotStored(string vary)
    {
        var h = Harness("""{ "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false, "varyByHeaders": [ "Accept" ] }""");

        await h.SendAsync(backend: new(Body: "gzip bytes", Vary: vary), request: r => r.Headers.AcceptEncoding = "gzip");
        var next = await h.SendAsync(backend: new(Body: "plain"));

        Assert.True(next.FromBackend);
        Assert.Equal("plain", next.Body);
    }

    [Fact]
    public async Task BackendVary_OnlyHeadersTheKeyHolds_Stored()
    {
        var h = Harness("""{ "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false, "varyByHeaders": [ "Accept-Encoding", "Accept" ] }""");

        await h.SendAsync(backend: new(Body: "gzip bytes", Vary: "accept-encoding,  ACCEPT"), request: r => r.Headers.AcceptEncoding = "gzip");
        var gzip = await h.SendAsync(request: r => r.Headers.AcceptEncoding = "gzip");
        var identity = await h.SendAsync(backend: new(Body: "plain"));

        Assert.False(gzip.FromBackend);
        Assert.Equal("gzip bytes", gzip.Body);
        Assert.True(identity.FromBackend);
    }

    [Fact]
    public async Task BodyInMemory_LaterOutboundStepAnswersInstead_NothingStored()
    {
        var h = Harness(store: """{ "type": "set-body", "value": "rewritten" }, """ + Store,
            outbound: """{ "type": "return-response", "statusCode": 503, "body": "down for maintenance" }""");

        var first = await h.SendAsync();
        var second = await h.SendAsync();

        Assert.Equal(503, first.Status);
        Assert.True(second.FromBackend);
        Assert.Equal(0, h.Cache.Size);
    }

    [Fact]
    public async Task BodyInMemory_OutboundEndsNormally_StoredAsSent()
    {
        var h = Harness(store: """{ "type": "set-body", "value": "rewritten" }, """ + Store,
            outbound: """{ "type": "set-header", "name": "X-After", "value": "1" }""");

        var first = await h.SendAsync();
        var hit = await h.SendAsync();

        Assert.Equal("rewritten", first.Body);
        Assert.False(hit.FromBackend);
        Assert.Equal("rewritten", hit.Body);
    }

    [Fact]
    public async Task BodyInMemory_ReplacedAgainAfterTheStore_NothingStored()
    {
        // As with a streamed body: a set-body after cache-store means the stored body would not be what clients get.
        var h = Harness(store: """{ "type": "set-body", "value": "first" }, """ + Store,
            outbound: """{ "type": "set-body", "value": "second" }""");

        Assert.Equal("second", (await h.SendAsync()).Body);
        Assert.True((await h.SendAsync()).FromBackend);
    }

    [Fact]
    public async Task StoreWithoutLookup_NothingStored()
    {
        var h = new CacheHarness(Api("[]", $"[ {Store} ]"));

        await h.SendAsync();
        await h.SendAsync();

        Assert.Equal(2, h.BackendCalls);
        Assert.Equal(0, h.Cache.Size);
    }
}
