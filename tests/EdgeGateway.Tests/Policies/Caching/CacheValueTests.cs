using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies;
using EdgeGateway.Policies.Caching;
using EdgeGateway.Policies.Jwt;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies.Caching;

/// <summary>cache-lookup-value, cache-store-value and cache-remove-value against the in-memory cache, on a fake clock.</summary>
public sealed class CacheValueTests
{
    private readonly FakeTimeProvider time = new();
    private readonly MemoryResponseCache shared;
    private readonly MemoryResponseCache local;
    private readonly PolicyServices services;

    public CacheValueTests()
    {
        shared = new MemoryResponseCache(time, MemoryResponseCache.DefaultMaxBytes);
        local = new MemoryResponseCache(time, MemoryResponseCache.DefaultMaxBytes);
        services = new PolicyServices(new OpenIdKeyCache(TimeSpan.FromHours(1))) { Time = time, Cache = shared, LocalCache = local };
    }

    private PipelineHarness Harness(string inbound) => new($$"""
        { "schemaVersion": 1, "revision": 1,
          "apis": [ { "id": "a", "path": "/a", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] },
                      "policies": { "inbound": {{inbound}} } } ] }
        """, services);

    private static async Task<PolicyRun> Inbound(PipelineHarness harness, string? value = null)
    {
        var run = harness.Run("a", request: r => r.Headers["X-Value"] = value ?? string.Empty);
        Assert.Equal(PolicyResult.Continue, await PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound));
        return run;
    }

    private const string Store = """{ "type": "cache-store-value", "key": "@(\"k-\" + context.Api.Id)", "value": "@(context.Request.Headers.GetValueOrDefault(\"X-Value\", \"\"))", "duration": 60 }""";

    private const string Lookup = """{ "type": "cache-lookup-value", "key": "k-a", "variableName": "v", "defaultValue": "none" }""";

    private const string Read = """{ "type": "set-header", "name": "X-Read", "value": "@(context.Variables.GetValueOrDefault<string>(\"v\", \"unset\"))" }""";

    [Fact]
    public async Task StoreThenLookup_NextRequest_ReadsTheValueUntilItsDurationPasses()
    {
        await Inbound(Harness($"[ {Store} ]"), "token-1");
        var reader = Harness($"[ {Lookup}, {Read} ]");

        Assert.Equal("token-1", (await Inbound(reader)).Http.Request.Headers["X-Read"].ToString());
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("none", (await Inbound(reader)).Http.Request.Headers["X-Read"].ToString());
    }

    [Fact]
    public async Task Lookup_MissWithoutDefault_ClearsTheVariable()
    {
        var harness = Harness("""
            [ { "type": "set-variable", "name": "v", "value": "before" },
              { "type": "cache-lookup-value", "key": "absent", "variableName": "v" },
              { "type": "set-header", "name": "X-Read", "value": "@(context.Variables.GetValueOrDefault<string>(\"v\", \"unset\"))" } ]
            """);

        Assert.Equal("unset", (await Inbound(harness)).Http.Request.Headers["X-Read"].ToString());
    }

    [Fact]
    public async Task Remove_AfterStore_NextLookupMisses()
    {
        await Inbound(Harness($"[ {Store} ]"), "token-1");
        await Inbound(Harness("""[ { "type": "cache-remove-value", "key": "k-a" } ]"""));

        Assert.Equal("none", (await Inbound(Harness($"[ {Lookup}, {Read} ]"))).Http.Request.Headers["X-Read"].ToString());
    }

    [Fact]
    public async Task Store_KeyStoredHashedInItsOwnNamespace_NeverAsThePolicyWroteIt()
    {
        var recording = new RecordingCache(shared);
        var harness = new PipelineHarness($$"""
            { "schemaVersion": 1, "revision": 1,
              "apis": [ { "id": "a", "path": "/a", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] },
                          "policies": { "inbound": [ { "type": "cache-store-value", "key": "@(\"sub-\" + context.Request.Headers.GetValueOrDefault(\"X-Key\", \"\"))", "value": "v", "duration": 60 } ] } } ] }
            """, new PolicyServices(new OpenIdKeyCache(TimeSpan.FromHours(1))) { Time = time, Cache = recording });
        var run = harness.Run("a", request: r => r.Headers["X-Key"] = "4f9a-subscription-key-" + new string('x', 300));

        Assert.Equal(PolicyResult.Continue, await PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound));

        // A Redis error, its monitor or a log line shows the key: it must not carry what the policy put in it, whatever its length.
        var key = Assert.Single(recording.Keys);
        Assert.Matches("^edgegateway:value:v2:[0-9a-f]{64}$", key);
        Assert.DoesNotContain("subscription-key", key, StringComparison.Ordinal);
        Assert.False(key.StartsWith(CacheKey.Prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CachingTypeInternal_WithASharedCache_KeepsItsOwnValues()
    {
        await Inbound(Harness($"[ {Store.Replace("\"duration\": 60", "\"duration\": 60, \"cachingType\": \"internal\"")} ]"), "mine");

        Assert.Null(await shared.GetAsync(CacheValue.StorageKey("k-a")));
        Assert.Equal("none", (await Inbound(Harness($"[ {Lookup}, {Read} ]"))).Http.Request.Headers["X-Read"].ToString());
        var internalLookup = Lookup.Replace("\"defaultValue\": \"none\"", "\"defaultValue\": \"none\", \"cachingType\": \"internal\"");
        Assert.Equal("mine", (await Inbound(Harness($"[ {internalLookup}, {Read} ]"))).Http.Request.Headers["X-Read"].ToString());
    }

    /// <summary>The keys the value policies store under, passed on to a real cache.</summary>
    private sealed class RecordingCache(IResponseCache inner) : IResponseCache
    {
        public List<string> Keys { get; } = [];

        public ValueTask<byte[]?> GetAsync(string key)
        {
            Keys.Add(key);
            return inner.GetAsync(key);
        }

        public ValueTask SetAsync(string key, byte[] value, TimeSpan duration)
        {
            Keys.Add(key);
            return inner.SetAsync(key, value, duration);
        }

        public ValueTask RemoveAsync(string key)
        {
            Keys.Add(key);
            return inner.RemoveAsync(key);
        }
    }
}
