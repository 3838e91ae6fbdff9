using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.Tests.Policies.Redis;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// Two AOT gateways with one redis-server: a rate-limit-by-key and a quota-by-key limit the pair exactly (the N+1th call
/// across both is refused), Redis killed fails open (local counters) or closed (503), Redis back shares again, and a
/// response cached by one gateway is served by the other. Periods are an hour: no window ends mid-test.
/// </summary>
public sealed class RedisPolicySharingTests
{
    private const int Calls = 4;

    private static string Config(TestBackend backend) => $$"""
        { "schemaVersion": 1, "revision": 1,
          "apis": [
            { "id": "limited", "path": "/limited", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
              "policies": { "inbound": [ { "type": "rate-limit-by-key", "calls": {{Calls}}, "renewalPeriod": 3600,
                "counterKey": "@(context.Request.Headers.GetValueOrDefault(\"X-Client\", \"anonymous\"))" } ] } },
            { "id": "metered", "path": "/metered", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
              "policies": { "inbound": [ { "type": "quota-by-key", "calls": {{Calls}}, "renewalPeriod": 3600,
                "counterKey": "@(context.Request.Headers.GetValueOrDefault(\"X-Client\", \"anonymous\"))" } ] } },
            { "id": "cached", "path": "/cached", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
              "policies": {
                "inbound": [ { "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false } ],
                "outbound": [ { "type": "cache-store", "duration": 3600 } ] } } ] }
        """;

    private sealed class Pair : IAsyncDisposable
    {
        public required RedisServer Redis { get; init; }
        public required TestBackend Backend { get; init; }
        public required ConfigFolder Folder { get; init; }
        public required GatewayProcess A { get; init; }
        public required GatewayProcess B { get; init; }

        public static async Task<Pair> StartAsync(string failureMode = "open")
        {
            var redis = await RedisServer.StartAsync();
            var backend = await TestBackend.StartAsync("shared");
            var folder = new ConfigFolder();
            folder.Write(Config(backend));
            var env = new Dictionary<string, string>
            {
                ["RateLimit__Redis__ConnectionString"] = redis.ConnectionString,
                ["RateLimit__Redis__FailureMode"] = failureMode,
                ["Cache__Redis__ConnectionString"] = redis.ConnectionString,
            };
            var a = await GatewayProcess.StartAsync(folder.ConfigFile, env: env);
            var b = await GatewayProcess.StartAsync(folder.ConfigFile, env: env);
            var pair = new Pair { Redis = redis, Backend = backend, Folder = folder, A = a, B = b };
            await pair.BothAsync("connected");
            return pair;
        }

        public async Task BothAsync(string state)
        {
            foreach (var gateway in new[] { A, B })
            {
                await gateway.EventuallyAsync(async () =>
                    (await gateway.StatusAsync()).GetProperty("redis").GetProperty("rateLimit").GetProperty("state").GetString() == state,
                    $"redis.rateLimit.state is {state}", 30);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            await Backend.DisposeAsync();
            Folder.Dispose();
            Redis.Dispose();
        }
    }

    private static async Task<HttpStatusCode> SendAsync(GatewayProcess gateway, string path, string client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Client", client);
        using var response = await gateway.Client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Calls alternate between the two gateways: each alone would allow <see cref="Calls"/>.</summary>
    private static async Task<List<HttpStatusCode>> AlternateAsync(Pair pair, string path, string client, int count)
    {
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            codes.Add(await SendAsync(i % 2 == 0 ? pair.A : pair.B, path, client));
        }

        return codes;
    }

    [Theory]
    [InlineData("/limited/x", HttpStatusCode.TooManyRequests)]
    [InlineData("/metered/x", HttpStatusCode.Forbidden)]
    public async Task Policy_TwoGatewaysOneRedis_TheLimitHoldsAcrossThePair(string path, HttpStatusCode refused)
    {
        await using var pair = await Pair.StartAsync();

        var codes = await AlternateAsync(pair, path, "client-1", Calls + 1);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, Calls), refused], codes);
        Assert.Equal(refused, await SendAsync(pair.A, path, "client-1"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(pair.B, path, "client-2"));
    }

    [Fact]
    public async Task RateLimit_RedisKilledFailOpen_EachGatewayCountsAloneThenSharesAgainWhenRedisIsBack()
    {
        await using var pair = await Pair.StartAsync();
        Assert.All(await AlternateAsync(pair, "/limited/x", "before", Calls), c => Assert.Equal(HttpStatusCode.OK, c));

        pair.Redis.Kill();
        // Local counters start empty: each gateway now allows Calls on its own.
        Assert.All(await AlternateAsync(pair, "/limited/x", "during", 2 * Calls), c => Assert.Equal(HttpStatusCode.OK, c));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(pair.A, "/limited/x", "during"));
        await pair.BothAsync("fallback");

        await pair.Redis.RestartAsync();
        await pair.BothAsync("connected");
        var codes = await AlternateAsync(pair, "/limited/x", "after", Calls + 1);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, Calls), HttpStatusCode.TooManyRequests], codes);
        // Once for the counters' link (the cache has a link, and an outage line, of its own).
        Assert.Equal(1, pair.A.Output.Split("Redis for rate-limit counters unreachable").Length - 1);
    }

    [Fact]
    public async Task RateLimit_RedisKilledFailClosed_Answers503UntilRedisIsBack()
    {
        await using var pair = await Pair.StartAsync("closed");
        Assert.Equal(HttpStatusCode.OK, await SendAsync(pair.A, "/limited/x", "c"));

        pair.Redis.Kill();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await SendAsync(pair.A, "/limited/x", "c"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await SendAsync(pair.B, "/limited/x", "c"));

        await pair.Redis.RestartAsync();
        await pair.BothAsync("connected");
        Assert.Equal(HttpStatusCode.OK, await SendAsync(pair.B, "/limited/x", "c"));
    }

    [Fact]
    public async Task Cache_StoredByOneGateway_ServedByTheOtherWithoutTheBackend()
    {
        await using var pair = await Pair.StartAsync();

        // Replicas behind one load balancer see the same Host (the cache key holds it, as the backend builds links from it).
        static HttpRequestMessage Get() => new(HttpMethod.Get, "/cached/item?id=7") { Headers = { Host = "api.example.com" } };
        using var first = await pair.A.Client.SendAsync(Get());
        var body = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var hits = pair.Backend.Hits;
        using var second = await pair.B.Client.SendAsync(Get());

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(body, await second.Content.ReadAsStringAsync());
        Assert.Equal(hits, pair.Backend.Hits);
        Assert.NotNull(second.Headers.Age); // answered from the cache A stored in Redis
    }
}
