using EdgeGateway.Policies.Redis;
using EdgeGateway.Policies.Traffic;
using EdgeGateway.Tests.Sync;
using StackExchange.Redis;
using static EdgeGateway.Tests.Policies.Redis.RedisTestKit;

namespace EdgeGateway.Tests.Policies.Redis;

/// <summary>Counters shared through a real redis-server: exact under parallel load, expiring with the window, and failing open or closed while Redis is away.</summary>
public sealed class RedisCounterStoreTests
{
    private static readonly DateTimeOffset LongWindow = DateTimeOffset.UtcNow.AddMinutes(10);

    private static RedisCounterStore Store(RedisLink link, bool closed = false) =>
        new(link, new LocalCounterStore(TimeProvider.System), closed);

    [Fact]
    public async Task AddAsync_TwoGatewaysUnderParallelLoad_AdmitExactlyTheLimitBetweenThem()
    {
        using var redis = await RedisServer.StartAsync();
        await using var linkA = await ConnectedLinkAsync(redis);
        await using var linkB = await ConnectedLinkAsync(redis);
        var stores = new[] { Store(linkA), Store(linkB) };
        const int limit = 50;

        var results = await Task.WhenAll(Enumerable.Range(0, 4 * limit).Select(i =>
            Task.Run(async () => await stores[i % 2].AddAsync("key-1", LongWindow, 1, limit))));

        Assert.Equal(limit, results.Count(r => r.Added));
        Assert.All(results.Where(r => !r.Added), r => Assert.Equal(limit, r.Count));
        Assert.Equal(new CounterResult(true, limit), await stores[1].AddAsync("key-1", LongWindow, 0, limit));
    }

    [Fact]
    public async Task AddAsync_AmountsAndNoLimit_AddUpAcrossGateways()
    {
        using var redis = await RedisServer.StartAsync();
        await using var linkA = await ConnectedLinkAsync(redis);
        await using var linkB = await ConnectedLinkAsync(redis);

        Assert.Equal(new CounterResult(true, 700), await Store(linkA).AddAsync("kb", LongWindow, 700, null));
        Assert.Equal(new CounterResult(false, 700), await Store(linkB).AddAsync("kb", LongWindow, 400, 1000));
        Assert.Equal(new CounterResult(true, 1000), await Store(linkB).AddAsync("kb", LongWindow, 300, 1000));
        Assert.Equal(new CounterResult(true, 1500), await Store(linkA).AddAsync("kb", LongWindow, 500, null));
    }

    [Fact]
    public async Task AddAsync_NewCounter_ExpiresAMinuteAfterItsWindowEndsSetOnlyByTheFirstAdd()
    {
        using var redis = await RedisServer.StartAsync();
        await using var link = await ConnectedLinkAsync(redis);
        using var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var store = Store(link);
        var windowEnd = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds());
        var key = (RedisKey)$"{RedisCounterStore.KeyPrefix}client-a:{windowEnd.ToUnixTimeMilliseconds()}";

        Assert.Equal(new CounterResult(true, 1), await store.AddAsync("client-a", windowEnd, 1, 2));
        // A minute of slack: a gateway whose clock runs ahead of Redis's, or a slow call, still finds its counter.
        Assert.Equal(windowEnd.AddSeconds(60).UtcDateTime, await probe.GetDatabase().KeyExpireTimeAsync(key));

        var other = windowEnd.AddSeconds(90);
        await probe.GetDatabase().KeyExpireAsync(key, other.UtcDateTime);
        Assert.Equal(new CounterResult(true, 2), await store.AddAsync("client-a", windowEnd, 1, 2));
        Assert.Equal(new CounterResult(false, 2), await store.AddAsync("client-a", windowEnd, 1, 2));
        Assert.Equal(other.UtcDateTime, await probe.GetDatabase().KeyExpireTimeAsync(key));
    }

    [Fact]
    public async Task AddAsync_WindowEndedAlmostAMinuteAgo_RedisDropsTheCounter()
    {
        using var redis = await RedisServer.StartAsync();
        await using var link = await ConnectedLinkAsync(redis);
        using var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var windowEnd = DateTimeOffset.UtcNow.AddSeconds(-58);
        var key = (RedisKey)$"{RedisCounterStore.KeyPrefix}client-a:{windowEnd.ToUnixTimeMilliseconds()}";

        Assert.Equal(new CounterResult(true, 1), await Store(link).AddAsync("client-a", windowEnd, 1, 5));

        await UntilAsync(() => !probe.GetDatabase().KeyExists(key), "Redis drops the counter a minute after its window ended");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AddAsync_RedisRefusesTheCall_OnlyThatCallFallsBackAndRedisStaysInUse(bool closed)
    {
        using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerFactory();
        await using var link = await ConnectedLinkAsync(redis, logs, closed ? "refusing" : "fallback");
        using var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var store = Store(link, closed);
        // Another program's list under the counter's key: Redis answers WRONGTYPE.
        await probe.GetDatabase().ListLeftPushAsync($"{RedisCounterStore.KeyPrefix}taken:{LongWindow.ToUnixTimeMilliseconds()}", "x");

        var refused = await store.AddAsync("taken", LongWindow, 1, 3);
        await store.AddAsync("taken", LongWindow, 1, 3);

        Assert.Equal(closed ? CounterResult.StoreUnavailable : new CounterResult(true, 1), refused);
        Assert.True(link.IsUp);
        Assert.Equal(0, logs.Count(UnreachableEvent));
        Assert.Equal(1, logs.Count(CallFailedEvent));
        Assert.Equal(new CounterResult(true, 1), await store.AddAsync("free", LongWindow, 1, 3));
        Assert.Equal(1, await probe.GetDatabase().StringGetAsync($"{RedisCounterStore.KeyPrefix}free:{LongWindow.ToUnixTimeMilliseconds()}"));
    }

    [Fact]
    public async Task AddAsync_ScriptsFlushed_StillCountsBySendingTheScriptAgain()
    {
        using var redis = await RedisServer.StartAsync();
        await using var link = await ConnectedLinkAsync(redis);
        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var store = Store(link);
        Assert.Equal(new CounterResult(true, 1), await store.AddAsync("k", LongWindow, 1, 5));

        await admin.GetServer(admin.GetEndPoints()[0]).ScriptFlushAsync();

        Assert.Equal(new CounterResult(true, 2), await store.AddAsync("k", LongWindow, 1, 5));
        Assert.Equal(new CounterResult(true, 3), await store.AddAsync("k", LongWindow, 1, 5));
        Assert.True(link.IsUp);
    }

    [Fact]
    public async Task AddAsync_RedisKilledFailOpen_CountsInThisProcessAndLogsTheOutageOnce()
    {
        using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerFactory();
        await using var link = await ConnectedLinkAsync(redis, logs);
        var store = Store(link);
        Assert.Equal(new CounterResult(true, 1), await store.AddAsync("k", LongWindow, 1, 3));

        redis.Kill();
        var results = new List<CounterResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await store.AddAsync("k", LongWindow, 1, 3));
        }

        // Local counting starts from zero: the instance alone enforces the limit while Redis is away.
        Assert.Equal([new(true, 1), new(true, 2), new(true, 3), new(false, 3), new(false, 3)], results);
        Assert.False(link.IsUp);
        Assert.Equal(1, logs.Count(UnreachableEvent));
        Assert.Equal("fallback", link.Status(DateTimeOffset.UtcNow).State);
    }

    [Fact]
    public async Task AddAsync_RedisKilledFailClosed_AnswersUnavailable()
    {
        using var redis = await RedisServer.StartAsync();
        await using var link = await ConnectedLinkAsync(redis, downState: "refusing");
        var store = Store(link, closed: true);
        Assert.Equal(new CounterResult(true, 1), await store.AddAsync("k", LongWindow, 1, 3));

        redis.Kill();

        Assert.Equal(CounterResult.StoreUnavailable, await store.AddAsync("k", LongWindow, 1, 3));
        Assert.Equal(CounterResult.StoreUnavailable, await store.AddAsync("k", LongWindow, 1, 3));
        Assert.Equal("refusing", link.Status(DateTimeOffset.UtcNow).State);
    }

    [Fact]
    public async Task AddAsync_RedisBack_SharedAgainAndTheRecoveryLoggedOnce()
    {
        using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerFactory();
        await using var linkA = await ConnectedLinkAsync(redis, logs);
        await using var linkB = await ConnectedLinkAsync(redis);
        var (storeA, storeB) = (Store(linkA), Store(linkB));
        redis.Kill();
        await storeA.AddAsync("k", LongWindow, 1, 10);
        await UntilAsync(() => !linkA.IsUp && !linkB.IsUp, "both gateways notice the outage");

        await redis.RestartAsync();
        await UntilAsync(() => linkA.IsUp && linkB.IsUp, "both gateways reconnect");

        Assert.Equal(new CounterResult(true, 1), await storeA.AddAsync("k", LongWindow, 1, 2));
        Assert.Equal(new CounterResult(true, 2), await storeB.AddAsync("k", LongWindow, 1, 2));
        Assert.Equal(new CounterResult(false, 2), await storeA.AddAsync("k", LongWindow, 1, 2));
        Assert.Equal(1, logs.Count(UnreachableEvent));
        Assert.Equal(1, logs.Count(RestoredEvent));
        Assert.Equal("connected", linkA.Status(DateTimeOffset.UtcNow).State);
    }

    [Fact]
    public async Task AddAsync_RedisHangs_FallsBackInsteadOfHangingAndProbesItsWayBack()
    {
        using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerFactory();
        await using var link = await ConnectedLinkAsync(redis, logs);
        await using var other = await ConnectedLinkAsync(redis);
        var store = Store(link);

        redis.Pause();
        // Bounded by the call timeout (1 s): the generous deadline only turns a hang into a failure instead of a stuck run.
        var during = await store.AddAsync("k", LongWindow, 1, 5).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(new CounterResult(true, 1), during);
        Assert.False(link.IsUp);
        Assert.Equal(1, logs.Count(UnreachableEvent));

        redis.Resume();
        await UntilAsync(async () => { await store.AddAsync("probe", LongWindow, 1, null); return link.IsUp; }, "a probe finds Redis answering again");
        Assert.Equal(1, logs.Count(RestoredEvent));
        Assert.Equal(new CounterResult(true, 1), await store.AddAsync("shared", LongWindow, 1, 2));
        Assert.Equal(new CounterResult(true, 2), await Store(other).AddAsync("shared", LongWindow, 1, 2));
    }

    [Fact]
    public async Task AddAsync_RedisNeverReachable_FallsBackWithoutWaitingAndSaysSo()
    {
        using var redis = await RedisServer.StartAsync();
        redis.Kill();
        var logs = new CapturingLoggerFactory();
        await using var link = new RedisLink("rate-limit counters", redis.ConnectionString + ",password=hunter2", "counting in this process", TimeProvider.System);
        link.Start(logs.CreateLogger("EdgeGateway.Redis"));
        var store = Store(link);

        Assert.Equal(new CounterResult(true, 1), await store.AddAsync("k", LongWindow, 1, 3));
        await UntilAsync(() => logs.Count(UnreachableEvent) == 1, "the outage at start is logged");
        Assert.Equal("fallback", link.Status(DateTimeOffset.UtcNow).State);
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("hunter2", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Message.Contains($"127.0.0.1:{redis.Port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisposeAsync_WhileStillConnecting_LeavesNoConnectionBehind()
    {
        using var redis = await RedisServer.StartAsync();
        using var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var server = probe.GetServer(probe.GetEndPoints()[0]);

        var link = new RedisLink("rate-limit counters", redis.ConnectionString + ",name=disposed-early", "counting in this process", TimeProvider.System);
        link.Start(new CapturingLoggerFactory().CreateLogger("EdgeGateway.Redis"));
        await link.DisposeAsync();
        // Started after the dispose: once its connection is in, one the disposed link made would be too.
        await using var control = await ConnectedLinkAsync(redis);
        await UntilAsync(async () => (await server.ClientListAsync()).Any(c => c.Name == "edgegateway"), "the later link's connection is listed");

        // A connection finishing after the dispose would stay open for good.
        await UntilAsync(async () => (await server.ClientListAsync()).All(c => c.Name != "disposed-early"), "no connection of the disposed link is open");
        Assert.False(link.IsUp);
    }

    [Fact]
    public async Task ConnectionFailedEvent_ArrivingLateWhileConnected_DoesNotMarkTheLinkDown()
    {
        using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerFactory();
        await using var link = await ConnectedLinkAsync(redis, logs);
        var store = Store(link);

        // A failure event of a connection already replaced, delivered after the reconnection.
        link.OnConnectionFailed(new ConnectionFailedEventArgs(this, null!, ConnectionType.Interactive, ConnectionFailureType.SocketClosed, null!, "old"));

        Assert.True(link.IsUp);
        Assert.Equal(0, logs.Count(UnreachableEvent));
        Assert.Equal("connected", link.Status(DateTimeOffset.UtcNow).State);
        Assert.Equal(new CounterResult(true, 1), await store.AddAsync("k", LongWindow, 1, 3));
    }
}
