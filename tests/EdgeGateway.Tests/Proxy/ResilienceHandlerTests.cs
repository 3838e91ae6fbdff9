using System.Net;
using EdgeGateway.Policies;
using EdgeGateway.Proxy;
using EdgeGateway.Routing;
using EdgeGateway.Tests.Policies;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Proxy;

/// <summary>
/// The retry loop and the breaker's bookkeeping below the forwarder, against a backend stub that answers on cue, with the
/// waits driven by a fake clock: a retry is sent only once its wait has passed on that clock.
/// </summary>
public sealed class ResilienceHandlerTests
{
    private const string RetryOn503 = """{ "type": "retry", "condition": "@(context.Response.StatusCode == 503)", "count": 3, "interval": 10 }""";

    private readonly FakeTimeProvider clock = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Send_GetAnswered503Twice_RetriedAfterEachWaitOnTheClock()
    {
        var backend = new ScriptedBackend(503, 503, 200);
        var (run, handler) = Setup(RetryOn503, backend);

        var sending = Send(handler, run, HttpMethod.Get);
        Assert.Equal(1, backend.Calls);
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1, backend.Calls); // the wait is not over on the clock: no second attempt
        clock.Advance(TimeSpan.FromSeconds(1));
        await WaitUntil(() => backend.Calls == 2);
        await WaitUntil(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(1)); // the next wait starts when the loop gets there: move the clock until it is done
            return sending.IsCompleted;
        });
        using var response = await sending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, backend.Calls);
        Assert.Equal(2, backend.Disposed); // the two thrown-away answers were released
    }

    [Fact]
    public async Task Send_ConditionKeepsFailing_StopsAfterCountRetriesWithTheLastAnswer()
    {
        var backend = new ScriptedBackend(503, 503, 503, 503, 503, 200);
        var (run, handler) = Setup("""{ "type": "retry", "condition": "@(context.Response.StatusCode == 503)", "count": 3 }""", backend);

        using var response = await Send(handler, run, HttpMethod.Get).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(4, backend.Calls); // the first attempt and 3 retries
    }

    [Fact]
    public async Task Send_PostWithoutOptIn_SentOnce()
    {
        var backend = new ScriptedBackend(503, 200);
        var (run, handler) = Setup(RetryOn503, backend);

        using var response = await Send(handler, run, HttpMethod.Post).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, backend.Calls);
    }

    [Fact]
    public async Task Send_PostWithOptInAndBufferedBody_EveryAttemptSendsTheSameBody()
    {
        var backend = new ScriptedBackend(503, 200);
        var (run, handler) = Setup("""{ "type": "retry", "condition": "@(context.Response.StatusCode == 503)", "count": 3, "retryNonIdempotent": true }""", backend);
        run.RequestBody = "{\"order\":1}"u8.ToArray();

        using var response = await Send(handler, run, HttpMethod.Post, body: run.RequestBody).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["{\"order\":1}", "{\"order\":1}"], backend.Bodies);
        Assert.All(backend.ContentTypes, t => Assert.Equal("application/json", t));
    }

    [Fact]
    public async Task Send_PutWithStreamedBody_SentOnceBecauseItCannotBeReplayed()
    {
        var backend = new ScriptedBackend(503, 200);
        var (run, handler) = Setup(RetryOn503, backend);

        using var response = await Send(handler, run, HttpMethod.Put, body: "{}"u8.ToArray()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, backend.Calls);
    }

    [Fact]
    public async Task Send_ClientGoesAwayDuringTheWait_NoFurtherAttempt()
    {
        var backend = new ScriptedBackend(503, 200);
        var (run, handler) = Setup(RetryOn503, backend);
        using var abort = new CancellationTokenSource();

        var sending = Send(handler, run, HttpMethod.Get, cancel: abort.Token);
        await abort.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, backend.Calls);
    }

    [Fact]
    public async Task Send_BreakerOpensAfterFailures_RetriesStopAndTheClusterPicksNoDestination()
    {
        var backend = new ScriptedBackend(503, 503, 503, 200);
        var (run, handler) = Setup(RetryOn503.Replace("\"interval\": 10", "\"interval\": 0"), backend,
            """{ "urls": ["http://127.0.0.1:1"], "circuitBreaker": { "failureCount": 2, "tripDuration": "00:00:30" } }""");
        var cluster = run.Route.Cluster;
        run.Forwarding().Destination = cluster.PickClosed(out var probe);
        run.Forwarding().Probe = probe;

        using var response = await Send(handler, run, HttpMethod.Get).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(2, backend.Calls); // the second failure opened the breaker: no third attempt
        Assert.Null(cluster.PickClosed(out _));
        Assert.Equal(TimeSpan.FromSeconds(30), cluster.UntilProbe());
    }

    [Fact]
    public async Task Send_ConnectionFailures_CountForTheBreaker()
    {
        var backend = new ScriptedBackend(0, 0);
        var (run, handler) = Setup("""{ "type": "set-header", "name": "X-A", "value": "1" }""", backend,
            """{ "urls": ["http://127.0.0.1:1"], "circuitBreaker": { "failureCount": 2, "tripDuration": "00:00:30" } }""");
        var cluster = run.Route.Cluster;

        for (var i = 0; i < 2; i++)
        {
            run.Forwarding().Destination = cluster.PickClosed(out _);
            await Assert.ThrowsAsync<HttpRequestException>(() => Send(handler, run, HttpMethod.Get));
        }

        Assert.Null(cluster.PickClosed(out _));
    }

    private (PolicyRun Run, ResilienceHandler Handler) Setup(string backendPolicy, ScriptedBackend backend, string? backendJson = null)
    {
        var services = new PolicyServices(new EdgeGateway.Policies.Jwt.OpenIdKeyCache(TimeSpan.FromHours(1))) { Time = clock };
        var doc = backendJson is null ? RetryTests.Api(backendPolicy) : RetryTests.Api(backendPolicy, backendJson);
        var parsed = EdgeGateway.Contracts.Snapshot.SnapshotReader.Parse(System.Text.Encoding.UTF8.GetBytes(doc));
        var runtime = new GatewayRuntime(parsed.Snapshot!, "test", DateTimeOffset.UnixEpoch, policyServices: services);
        var api = runtime.Apis.Single();
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        var run = new PolicyRun(http, api.Policies.For(null), new PolicyRequest(api, null, null, null, null, null, "west"));
        RetryTests.Backend(run);
        return (run, new ResilienceHandler(backend, clock, NullLogger.Instance));
    }

    private static Task<HttpResponseMessage> Send(ResilienceHandler handler, PolicyRun run, HttpMethod method, byte[]? body = null,
        CancellationToken cancel = default)
    {
        var request = new HttpRequestMessage(method, "http://127.0.0.1:1/a");
        if (body is not null)
        {
            request.Content = new StreamContent(new MemoryStream(body));
            request.Content.Headers.ContentType = new("application/json");
        }

        request.Options.Set(ResilienceHandler.RunKey, run);
        return handler.Invoker.SendAsync(request, cancel);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true in 30 s");
            await Task.Delay(10);
        }
    }

    /// <summary>Answers each call with the next status of its script (0: the connection fails), recording what it was sent.</summary>
    private sealed class ScriptedBackend(params int[] statuses) : HttpMessageHandler
    {
        private int calls;
        private int disposed;

        public int Calls => Volatile.Read(ref calls);

        public int Disposed => Volatile.Read(ref disposed);

        public List<string> Bodies { get; } = [];

        public List<string?> ContentTypes { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var status = statuses[Interlocked.Increment(ref calls) - 1];
            if (request.Content is not null)
            {
                Bodies.Add(await request.Content.ReadAsStringAsync(cancellationToken));
                ContentTypes.Add(request.Content.Headers.ContentType?.MediaType);
            }

            if (status == 0)
            {
                throw new HttpRequestException("connection refused");
            }

            return new TrackedResponse((HttpStatusCode)status, () => Interlocked.Increment(ref disposed));
        }
    }

    private sealed class TrackedResponse(HttpStatusCode status, Action onDispose) : HttpResponseMessage(status)
    {
        private bool done;

        protected override void Dispose(bool disposing)
        {
            if (!done)
            {
                done = true;
                onDispose();
            }

            base.Dispose(disposing);
        }
    }
}
