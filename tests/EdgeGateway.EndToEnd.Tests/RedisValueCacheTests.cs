using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.Tests.Policies.Redis;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// cache-store-value, cache-lookup-value and cache-remove-value across two AOT gateways that share one redis-server (on a
/// free port): a value one stores the other reads, a removal on one is seen by the other, and cachingType internal stays
/// in the gateway that stored it.
/// </summary>
public sealed class RedisValueCacheTests
{
    private static string Config(TestBackend backend) => $$"""
        { "schemaVersion": 1, "revision": 1,
          "apis": [
            { "id": "put", "path": "/put", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
              "policies": { "inbound": [
                { "type": "cache-store-value", "key": "@(context.Request.Headers.GetValueOrDefault(\"X-Key\", \"\"))",
                  "value": "@(context.Request.Headers.GetValueOrDefault(\"X-Value\", \"\"))", "duration": 3600 } ] } },
            { "id": "putlocal", "path": "/putlocal", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
              "policies": { "inbound": [
                { "type": "cache-store-value", "key": "@(context.Request.Headers.GetValueOrDefault(\"X-Key\", \"\"))",
                  "value": "@(context.Request.Headers.GetValueOrDefault(\"X-Value\", \"\"))", "duration": 3600, "cachingType": "internal" } ] } },
            { "id": "get", "path": "/get", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
              "policies": { "inbound": [
                { "type": "cache-lookup-value", "key": "@(context.Request.Headers.GetValueOrDefault(\"X-Key\", \"\"))", "variableName": "v",
                  "defaultValue": "(miss)", "cachingType": "external" },
                { "type": "set-header", "name": "X-Found", "value": "@(context.Variables.GetValueOrDefault<string>(\"v\", \"\"))" } ] } },
            { "id": "getlocal", "path": "/getlocal", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
              "policies": { "inbound": [
                { "type": "cache-lookup-value", "key": "@(context.Request.Headers.GetValueOrDefault(\"X-Key\", \"\"))", "variableName": "v",
                  "defaultValue": "(miss)", "cachingType": "internal" },
                { "type": "set-header", "name": "X-Found", "value": "@(context.Variables.GetValueOrDefault<string>(\"v\", \"\"))" } ] } },
            { "id": "drop", "path": "/drop", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
              "policies": { "inbound": [
                { "type": "cache-remove-value", "key": "@(context.Request.Headers.GetValueOrDefault(\"X-Key\", \"\"))" } ] } } ] }
        """;

    private static async Task<string> SendAsync(GatewayProcess gateway, string path, string key, string? value = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Key", key);
        if (value is not null)
        {
            request.Headers.Add("X-Value", value);
        }

        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await Echo.ReadAsync(response)).Headers.GetValueOrDefault("x-found", string.Empty);
    }

    [Fact]
    public async Task TwoGateways_OneRedis_ValuesSharedRemovalsSeenInternalKeptApart()
    {
        using var redis = await RedisServer.StartAsync();
        await using var backend = await TestBackend.StartAsync("values");
        using var folder = new ConfigFolder();
        folder.Write(Config(backend));
        var env = new Dictionary<string, string> { ["Cache__Redis__ConnectionString"] = redis.ConnectionString };
        await using var a = await GatewayProcess.StartAsync(folder.ConfigFile, env: env);
        await using var b = await GatewayProcess.StartAsync(folder.ConfigFile, env: env);
        foreach (var gateway in new[] { a, b })
        {
            await gateway.EventuallyAsync(async () =>
                (await gateway.StatusAsync()).GetProperty("redis").GetProperty("cache").GetProperty("state").GetString() == "connected",
                "redis.cache.state is connected", 30);
        }

        await SendAsync(a, "/put/x", "token", "shared-value");
        Assert.Equal("shared-value", await SendAsync(b, "/get/x", "token"));

        await SendAsync(b, "/drop/x", "token");
        Assert.Equal("(miss)", await SendAsync(a, "/get/x", "token"));

        await SendAsync(a, "/putlocal/x", "mine", "local-value");
        Assert.Equal("local-value", await SendAsync(a, "/getlocal/x", "mine"));
        Assert.Equal("(miss)", await SendAsync(b, "/getlocal/x", "mine"));
        Assert.Equal("(miss)", await SendAsync(b, "/get/x", "mine"));
    }
}
