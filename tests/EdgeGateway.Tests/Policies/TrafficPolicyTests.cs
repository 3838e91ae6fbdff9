using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies;
using EdgeGateway.Policies.Jwt;
using EdgeGateway.Policies.Traffic;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static EdgeGateway.Tests.Policies.PipelineHarness;

namespace EdgeGateway.Tests.Policies;

/// <summary>rate-limit, rate-limit-by-key, quota, quota-by-key and limit-concurrency on a fake clock and the local counter store.</summary>
public sealed class TrafficPolicyTests
{
    // A whole minute since the epoch, plus 10 s: a 60 s window ends 50 s later.
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 10, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(Start);
    private readonly PolicyServices services;

    public TrafficPolicyTests() =>
        services = new PolicyServices(new OpenIdKeyCache(TimeSpan.FromHours(1))) { Time = time, Counters = new LocalCounterStore(time) };

    private PipelineHarness Harness(string inbound, string? services2 = null) => new(Doc($$"""
        [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] }, "policies": { "inbound": [ {{inbound}} ] } },
          { "id": "b", "path": "/b", "backend": { "urls": ["http://127.0.0.1:1"] }, "policies": { "inbound": [ {{services2 ?? inbound}} ] } } ]
        """), services);

    private static async Task<PolicyResult> Inbound(PolicyRun run) => await PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound);

    /// <summary>One request as the gateway handles it: inbound, a response with <paramref name="status"/> and body, then the end-of-request work.</summary>
    private static async Task<PolicyRun> Request(PipelineHarness harness, string api = "a", string? subscription = "s1", string? header = null,
        int status = 200, byte[]? body = null)
    {
        var run = harness.Run(api, subscriptionId: subscription, request: r =>
        {
            if (header is not null)
            {
                r.Headers["X-Caller"] = header;
            }
        });
        if (await Inbound(run) == PolicyResult.Continue)
        {
            run.Http.Response.StatusCode = status;
            if (body is not null)
            {
                await run.Http.Response.Body.WriteAsync(body);
            }
        }

        await run.RunEndWorkAsync(NullLogger.Instance);
        return run;
    }

    private static string? Header(PolicyError error, string name) => error.Headers?.SingleOrDefault(h => h.Key == name).Value;

    private const string ByKey = """{ "type": "rate-limit-by-key", "calls": 3, "renewalPeriod": 60, "counterKey": "@(context.Request.Headers.GetValueOrDefault(\"X-Caller\", \"\"))" }""";

    [Fact]
    public async Task RateLimitByKey_CallsUsedUp_NextRefused429WithRetryAfterToTheWindowEnd()
    {
        var harness = Harness(ByKey);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null((await Request(harness, header: "alice")).LastError);
        }

        var refused = (await Request(harness, header: "alice")).LastError!;

        Assert.Equal(StatusCodes.Status429TooManyRequests, refused.StatusCode);
        Assert.Equal("RateLimitExceeded", refused.Reason);
        Assert.Equal("50", Header(refused, "Retry-After"));
        Assert.Equal("Rate limit is exceeded. Try again in 50 seconds.", refused.Message);
    }

    [Fact]
    public async Task RateLimitByKey_WindowEnds_CallsAdmittedAgain()
    {
        var harness = Harness(ByKey);
        for (var i = 0; i < 3; i++)
        {
            await Request(harness, header: "alice");
        }

        time.Advance(TimeSpan.FromSeconds(48.5));
        Assert.Equal("2", Header((await Request(harness, header: "alice")).LastError!, "Retry-After")); // 1.5 s, rounded up

        time.Advance(TimeSpan.FromSeconds(1.5)); // 00:01:00: the next window
        Assert.Null((await Request(harness, header: "alice")).LastError);
    }

    [Fact]
    public async Task RateLimitByKey_OtherKey_CountedSeparately()
    {
        var harness = Harness(ByKey);
        for (var i = 0; i < 4; i++)
        {
            await Request(harness, header: "alice");
        }

        Assert.Null((await Request(harness, header: "bob")).LastError);
    }

    [Fact]
    public async Task RateLimit_PerSubscription_SubscriptionsAndApisEachHaveTheirOwnCounter()
    {
        var harness = Harness("""{ "type": "rate-limit", "calls": 1, "renewalPeriod": 60, "remainingCallsHeaderName": "X-Left", "totalCallsHeaderName": "X-Total" }""");

        var first = await Request(harness, subscription: "s1");
        Assert.Equal("0", first.Http.Response.Headers["X-Left"]);
        Assert.Equal("1", first.Http.Response.Headers["X-Total"]);
        var refused = (await Request(harness, subscription: "s1")).LastError!;
        Assert.Equal(StatusCodes.Status429TooManyRequests, refused.StatusCode);
        Assert.Equal("0", Header(refused, "X-Left"));

        Assert.Null((await Request(harness, subscription: "s2")).LastError);
        Assert.Null((await Request(harness, api: "b", subscription: "s1")).LastError); // the same policy text in another API
    }

    [Fact]
    public async Task RateLimit_RetryAfterHeaderName_RefusalCarriesThatHeaderInstead()
    {
        var harness = Harness("""{ "type": "rate-limit", "calls": 1, "renewalPeriod": 60, "retryAfterHeaderName": "X-Retry-In" }""");
        await Request(harness);

        var refused = (await Request(harness)).LastError!;

        Assert.Equal("50", Header(refused, "X-Retry-In"));
        Assert.Null(Header(refused, "Retry-After"));
    }

    [Fact]
    public async Task RateLimitByKey_IncrementCondition_OnlyResponsesMeetingItAreCounted()
    {
        var harness = Harness("""
            { "type": "rate-limit-by-key", "calls": 2, "renewalPeriod": 60, "counterKey": "k",
              "incrementCondition": "@(context.Response.StatusCode >= 200 && context.Response.StatusCode < 300)" }
            """);
        for (var i = 0; i < 5; i++)
        {
            Assert.Null((await Request(harness, status: 500)).LastError); // failures are not counted
        }

        await Request(harness, status: 200);
        await Request(harness, status: 201);

        Assert.Equal(StatusCodes.Status429TooManyRequests, (await Request(harness, status: 200)).LastError!.StatusCode);
    }

    [Fact]
    public async Task RateLimitByKey_IncrementCount_EachCallCountsThatMuch()
    {
        var harness = Harness("""{ "type": "rate-limit-by-key", "calls": 5, "renewalPeriod": 60, "counterKey": "k", "incrementCount": 2 }""");

        Assert.Null((await Request(harness)).LastError);
        Assert.Null((await Request(harness)).LastError);

        Assert.NotNull((await Request(harness)).LastError); // 4 + 2 > 5
    }

    [Fact]
    public async Task Quota_CallsUsedUp_Refused403WithRenewalTimeAndRetryAfter()
    {
        var harness = Harness("""{ "type": "quota", "calls": 2, "renewalPeriod": 3600 }""");
        await Request(harness);
        await Request(harness);

        var refused = (await Request(harness)).LastError!;

        Assert.Equal(StatusCodes.Status403Forbidden, refused.StatusCode);
        Assert.Equal("QuotaExceeded", refused.Reason);
        Assert.Equal("Out of call volume quota. Quota will be replenished in 00:59:50.", refused.Message);
        Assert.Equal("3590", Header(refused, "Retry-After"));
    }

    [Fact]
    public async Task QuotaByKey_FirstPeriodStart_PeriodsAlignedToIt()
    {
        // Periods of a day from 06:00: at 00:00:10 the period ends at 06:00.
        var harness = Harness("""{ "type": "quota-by-key", "calls": 1, "renewalPeriod": 86400, "counterKey": "k", "firstPeriodStart": "2025-06-01T06:00:00Z" }""");
        await Request(harness);

        Assert.Equal("21590", Header((await Request(harness)).LastError!, "Retry-After"));

        time.Advance(TimeSpan.FromSeconds(21590));
        Assert.Null((await Request(harness)).LastError);
    }

    [Fact]
    public async Task Quota_Bandwidth_ResponseBytesCountedAfterTheResponseThenRefused()
    {
        var harness = Harness("""{ "type": "quota", "bandwidth": 2, "renewalPeriod": 3600 }""");

        Assert.Null((await Request(harness, body: new byte[1500])).LastError);
        Assert.Null((await Request(harness, body: new byte[600])).LastError); // 1500 < 2048 when it came in

        var refused = (await Request(harness, body: new byte[10])).LastError!; // 2100 >= 2048
        Assert.Equal(StatusCodes.Status403Forbidden, refused.StatusCode);
        Assert.StartsWith("Out of bandwidth quota.", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quota_CallsAndBandwidth_RefusedWhenEitherIsUsedUp()
    {
        var harness = Harness("""{ "type": "quota", "calls": 100, "bandwidth": 1, "renewalPeriod": 3600 }""");
        Assert.Null((await Request(harness, body: new byte[1024])).LastError);

        var refused = (await Request(harness)).LastError!;

        Assert.StartsWith("Out of bandwidth quota.", refused.Message, StringComparison.Ordinal);
        Assert.Null((await Request(harness, subscription: "s2")).LastError); // another subscription's quota
    }

    [Fact]
    public async Task QuotaByKey_IncrementConditionFalse_NeitherCallNorBytesCounted()
    {
        var harness = Harness("""
            { "type": "quota-by-key", "calls": 1, "bandwidth": 1, "renewalPeriod": 60, "counterKey": "k",
              "incrementCondition": "@(context.Response.StatusCode == 200)" }
            """);
        await Request(harness, status: 404, body: new byte[5000]);

        Assert.Null((await Request(harness, status: 200, body: new byte[10])).LastError);
        Assert.NotNull((await Request(harness)).LastError);
    }

    private const string Concurrency = """{ "type": "limit-concurrency", "key": "@(context.Request.Headers.GetValueOrDefault(\"X-Caller\", \"\"))", "maxCount": 2 }""";

    [Fact]
    public async Task LimitConcurrency_SlotsTaken_Refused429UntilOneIsReleased()
    {
        var harness = Harness(Concurrency);
        var first = harness.Run("a", request: r => r.Headers["X-Caller"] = "alice");
        var second = harness.Run("a", request: r => r.Headers["X-Caller"] = "alice");
        Assert.Equal(PolicyResult.Continue, await Inbound(first));
        Assert.Equal(PolicyResult.Continue, await Inbound(second));

        var third = harness.Run("a", request: r => r.Headers["X-Caller"] = "alice");
        Assert.Equal(PolicyResult.Failed, await Inbound(third));
        Assert.Equal(StatusCodes.Status429TooManyRequests, third.LastError!.StatusCode);
        Assert.Equal("ConcurrencyLimitExceeded", third.LastError.Reason);
        var other = harness.Run("a", request: r => r.Headers["X-Caller"] = "bob");
        Assert.Equal(PolicyResult.Continue, await Inbound(other)); // another key has its own slots

        await first.RunEndWorkAsync(NullLogger.Instance);
        var fourth = harness.Run("a", request: r => r.Headers["X-Caller"] = "alice");
        Assert.Equal(PolicyResult.Continue, await Inbound(fourth));
    }

    [Fact]
    public async Task LimitConcurrency_LaterPolicyFails_SlotStillReleasedAtTheEnd()
    {
        var harness = Harness($$"""{{Concurrency}}, { "type": "check-header", "name": "X-Required", "failedCheckHttpCode": 400, "failedCheckErrorMessage": "no" }""");
        for (var i = 0; i < 5; i++)
        {
            var run = await Request(harness, header: "alice");
            Assert.Equal("check-header", run.LastError!.Source);
        }

        Assert.Equal(0, services.Concurrency.Count);
    }

    [Fact]
    public async Task CounterStoreUnavailable_Refused503ThroughTheErrorPath()
    {
        var levels = new LevelLogger();
        var closed = new PolicyServices(new OpenIdKeyCache(TimeSpan.FromHours(1))) { Time = time, Counters = new UnavailableStore(), Logger = levels };
        var harness = new PipelineHarness(Doc($$"""
            [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] }, "policies": { "inbound": [ {{ByKey}} ] } } ]
            """), closed);
        var run = harness.Run("a");

        Assert.Equal(PolicyResult.Failed, await Inbound(run));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, run.LastError!.StatusCode);
        Assert.Equal("CounterStoreUnavailable", run.LastError.Reason);
        Assert.Equal(CounterCalls.Unavailable, run.LastError.Message);
        // Every rate-limited request while Redis is down: the outage is the link's one warning, a refusal is no more than debug.
        Assert.Contains(LogLevel.Debug, levels.Levels);
        Assert.All(levels.Levels, l => Assert.True(l <= LogLevel.Debug, $"a refusal logged at {l}"));
    }

    [Fact]
    public async Task RateLimitByKey_LocalStore_InboundCompletesSynchronously()
    {
        var run = Harness(ByKey).Run("a");

        var section = PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound);

        Assert.True(section.IsCompletedSuccessfully);
        Assert.Equal(PolicyResult.Continue, await section);
    }

    [Fact]
    public void RateLimitByKey_KeySeenBefore_InboundWithSetHeaderAllocatesNothing()
    {
        // Issue 11's benchmark pipeline: subscription id as the counter key, then a set-header.
        var harness = new PipelineHarness(Doc("""
            [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] }, "policies": { "inbound": [
                { "type": "rate-limit-by-key", "calls": 1000000, "renewalPeriod": 60, "counterKey": "@(context.Subscription.Id)" },
                { "type": "set-header", "name": "X-Gateway", "value": "edge" } ] } } ]
            """), services);
        var run = harness.Run("a", subscriptionId: "s1");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(PolicyResult.Continue, PipelineHarness.Inbound(run)); // also checks it completed synchronously
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            PipelineHarness.Inbound(run);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task RunEndWorkAsync_OneWorkThrows_TheOthersStillRunOnce()
    {
        var run = Harness(ByKey).Run("a");
        var ran = new List<string>();
        run.AtEnd(new RequestEndWork(new EndWork(ran, fail: true), "first", default));
        run.AtEnd(new RequestEndWork(new EndWork(ran), "second", default));
        run.AtEnd(new RequestEndWork(new EndWork(ran), "third", default));

        await run.RunEndWorkAsync(NullLogger.Instance);
        await run.RunEndWorkAsync(NullLogger.Instance); // the handler runs it once; a second call finds nothing left

        Assert.Equal(["first", "second", "third"], ran);
        Assert.False(run.HasEndWork);
    }

    private sealed class EndWork(List<string> ran, bool fail = false) : IRequestEnd
    {
        public ValueTask EndAsync(PolicyRun run, RequestEndWork work)
        {
            ran.Add(work.Key);
            return fail ? throw new InvalidOperationException("end work failed") : ValueTask.CompletedTask;
        }
    }

    private sealed class LevelLogger : ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<LogLevel> Levels { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Levels.Enqueue(logLevel);
    }

        private sealed class UnavailableStore : ICounterStore
    {
        public async ValueTask<CounterResult> AddAsync(string key, DateTimeOffset windowEnd, long amount, long? limit)
        {
            await Task.Yield();
            return CounterResult.StoreUnavailable;
        }
    }
}
