using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.Tests.Policies.Redis;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// The AOT gateway with Redis settings against a real redis-server: it starts without waiting for Redis, says in its status
/// and its log whether counters and the cache are shared or falling back, logs an outage once and its end once, and
/// never prints the connection string's password.
/// </summary>
public sealed class RedisStatusTests
{
    private const string Password = "s3cret-redis-pass";

    private static async Task<(ConfigFolder Folder, TestBackend Backend)> ConfigAsync()
    {
        var backend = await TestBackend.StartAsync("redis-status");
        var folder = new ConfigFolder();
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "apis": [ { "id": "open", "path": "/open", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] } } ] }
            """);
        return (folder, backend);
    }

    private static Dictionary<string, string> Env(RedisServer redis, string failureMode = "open", bool cache = true)
    {
        var env = new Dictionary<string, string>
        {
            ["RateLimit__Redis__ConnectionString"] = redis.ConnectionString,
            ["RateLimit__Redis__FailureMode"] = failureMode,
        };
        if (cache)
        {
            env["Cache__Redis__ConnectionString"] = redis.ConnectionString;
        }

        return env;
    }

    private static async Task<JsonElement> RedisStatusAsync(GatewayProcess gateway) => (await gateway.StatusAsync()).GetProperty("redis");

    private static async Task StateAsync(GatewayProcess gateway, string use, string state) =>
        await gateway.EventuallyAsync(async () => (await RedisStatusAsync(gateway)).GetProperty(use).GetProperty("state").GetString() == state,
            $"status redis.{use}.state is {state}", 30);

    private static int Occurrences(string text, string what) => text.Split(what).Length - 1;

    [Fact]
    public async Task Status_RedisConnectedThenKilledThenBack_ShowsEachStateAndLogsTheOutageOnce()
    {
        using var redis = await RedisServer.StartAsync();
        var (folder, backend) = await ConfigAsync();
        await using var _ = backend;
        using var __ = folder;
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: Env(redis));

        await StateAsync(gateway, "rateLimit", "connected");
        var status = await RedisStatusAsync(gateway);
        Assert.True(status.GetProperty("rateLimit").GetProperty("configured").GetBoolean());
        Assert.Equal($"127.0.0.1:{redis.Port}", status.GetProperty("cache").GetProperty("servers").GetString());
        Assert.Equal("connected", status.GetProperty("cache").GetProperty("state").GetString());
        // A connection each, though both name the same server.
        await gateway.PrintedAsync($"Redis for rate-limit counters: connected to 127.0.0.1:{redis.Port}");
        await gateway.PrintedAsync($"Redis for the response cache: connected to 127.0.0.1:{redis.Port}");

        var killedAt = DateTimeOffset.UtcNow;
        redis.Kill();
        await StateAsync(gateway, "rateLimit", "fallback");
        // since moves to when the link was lost (the gateway runs on this machine's clock).
        Assert.True((await RedisStatusAsync(gateway)).GetProperty("rateLimit").TryGetProperty("since", out var since) && since.GetDateTimeOffset() >= killedAt,
            $"since {since} is the outage's start, not before {killedAt:O}");
        await gateway.PrintedAsync("Redis for rate-limit counters unreachable");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await gateway.Client.GetAsync("/open/x")).StatusCode);

        await redis.RestartAsync();
        await StateAsync(gateway, "rateLimit", "connected");
        await gateway.PrintedAsync("Redis for rate-limit counters is back");
        await StateAsync(gateway, "cache", "connected");
        await gateway.PrintedAsync("Redis for the response cache is back");
        // Once per link: counters and cache.
        Assert.Equal(2, Occurrences(gateway.Output, "EdgeGateway.Redis[1102]"));
        Assert.Equal(2, Occurrences(gateway.Output, "EdgeGateway.Redis[1103]"));
    }

    [Fact]
    public async Task Start_RedisDown_ServesAtOnceFallingBackAndNeverPrintsThePassword()
    {
        using var redis = await RedisServer.StartAsync();
        redis.Kill();
        var (folder, backend) = await ConfigAsync();
        await using var _ = backend;
        using var __ = folder;
        var env = Env(redis, cache: false);
        env["RateLimit__Redis__ConnectionString"] = $"{redis.ConnectionString},password={Password}";

        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: env);

        Assert.Equal(System.Net.HttpStatusCode.OK, (await gateway.Client.GetAsync("/open/x")).StatusCode);
        await StateAsync(gateway, "rateLimit", "fallback");
        Assert.False((await RedisStatusAsync(gateway)).GetProperty("cache").GetProperty("configured").GetBoolean());
        await gateway.PrintedAsync($"Redis for rate-limit counters unreachable (127.0.0.1:{redis.Port}): counting in this process");
        Assert.DoesNotContain(Password, gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, (await gateway.Admin.GetStringAsync("/status-0123456789abcdef")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_FailClosedAndRedisKilled_SaysRefusing()
    {
        using var redis = await RedisServer.StartAsync();
        var (folder, backend) = await ConfigAsync();
        await using var _ = backend;
        using var __ = folder;
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: Env(redis, "closed", cache: false));
        await StateAsync(gateway, "rateLimit", "connected");

        redis.Kill();

        await StateAsync(gateway, "rateLimit", "refusing");
        await gateway.PrintedAsync("refusing rate-limited requests with 503 until it is back");
    }

    [Fact]
    public async Task Ready_FailClosedAndRedisNotAnsweredYet_NotReadyUntilItAnswers()
    {
        using var redis = await RedisServer.StartAsync();
        redis.Kill();
        var (folder, backend) = await ConfigAsync();
        await using var _ = backend;
        using var __ = folder;
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, env: Env(redis, "closed", cache: false));
        await gateway.EventuallyAsync(async () =>
        {
            try
            {
                var status = await gateway.StatusAsync();
                return status.GetProperty("state").GetString() == "ready"
                    && status.GetProperty("redis").GetProperty("rateLimit").GetProperty("state").GetString() == "refusing";
            }
            catch (HttpRequestException)
            {
                return false; // not listening yet
            }
        }, "config loaded and the counters' Redis found unreachable", 60);

        using (var notReady = await gateway.Client.GetAsync("/healthz/ready"))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Equal("not ready: rate-limit counters fail closed and their Redis has not answered yet", await notReady.Content.ReadAsStringAsync());
        }

        await redis.RestartAsync();
        await gateway.WaitReadyAsync();
        await StateAsync(gateway, "rateLimit", "connected");
    }

    [Fact]
    public async Task Start_BadRedisSettings_ExitsNamingThem()
    {
        var (folder, backend) = await ConfigAsync();
        await using var _ = backend;
        using var __ = folder;
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, env: new Dictionary<string, string>
        {
            ["RateLimit__Redis__FailureMode"] = "sometimes",
            ["Cache__Redis__ConnectionString"] = $"password={Password}",
        });

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("RateLimit:Redis:FailureMode 'sometimes' must be open", gateway.Output, StringComparison.Ordinal);
        Assert.Contains("Cache:Redis:ConnectionString names no server", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, gateway.Output, StringComparison.Ordinal);
    }
}
