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

    private ApiRoute? api;

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
    public async Task Send_OneRequestRetriedOn503_CountsOnceForTheBreaker()
    {
        var backend = new ScriptedBackend(503, 503, 503, 503, 503, 503, 503, 503);
        var (run, handler) = Setup(RetryOn503.Replace("\"interval\": 10", "\"interval\": 0"), backend,
            """{ "urls": ["http://127.0.0.1:1"], "circuitBreaker": { "failureCount": 2, "tripDuration": "00:00:30" } }""");
        var cluster = run.Route.Cluster;
        Pick(run);

        using (var response = await Send(handler, run, HttpMethod.Get).WaitAsync(TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        Assert.Equal(4, backend.Calls); // every retry was sent: this request's own failures do not open the breaker
        Assert.Equal(CircuitState.Closed, cluster.Destinations[0].Circuit.State);

        var second = NextRun();
        Pick(second);
        using (await Send(handler, second, HttpMethod.Get).WaitAsync(TimeSpan.FromSeconds(30)))
        {
        }

        Assert.Null(cluster.PickClosed(out _)); // the second failed request is the second failure
        Assert.Equal(TimeSpan.FromSeconds(30), cluster.UntilProbe());
    }

    [Fact]
    public async Task Send_BreakerOpenedByOthersDuringTheRetries_RetryMovesToAClosedDestination()
    {
        var (run, handler) = Setup(RetryOn503.Replace("\"interval\": 10", "\"interval\": 0"), new ScriptedBackend(),
            """{ "urls": ["http://127.0.0.1:1", "http://127.0.0.1:2"], "circuitBreaker": { "failureCount": 1, "tripDuration": "00:00:30" } }""");
        var cluster = run.Route.Cluster;
        var (first, other) = (cluster.Destinations[0], cluster.Destinations[1]);
        var backend = new ScriptedBackend(503, 200)
        {
            OnCall = call =>
            {
                if (call == 1)
                {
                    first.Circuit.Record(cluster.Breaker!, failed: true, probe: false, clock.GetUtcNow()); // other requests opened it meanwhile
                }
            },
        };
        handler = new ResilienceHandler(backend, clock, NullLogger.Instance);
        run.Forwarding().Destination = first;
        first.RequestStarted();

        using var response = await Send(handler, run, HttpMethod.Get, uri: "http://127.0.0.1:1/a?x=1").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["http://127.0.0.1:1/a?x=1", "http://127.0.0.1:2/a?x=1"], backend.Uris);
        Assert.Same(other, run.Forward!.Destination);
        Assert.Equal((0, 1), (first.InFlight, other.InFlight)); // the request's in-flight count moved along
    }

    [Fact]
    public async Task Send_BreakerOpenedByOthersAndNoOtherDestination_TheLastAnswerStands()
    {
        var (run, _) = Setup(RetryOn503.Replace("\"interval\": 10", "\"interval\": 0"), new ScriptedBackend(),
            """{ "urls": ["http://127.0.0.1:1"], "circuitBreaker": { "failureCount": 1, "tripDuration": "00:00:30" } }""");
        var cluster = run.Route.Cluster;
        var backend = new ScriptedBackend(503, 200)
        {
            OnCall = _ => cluster.Destinations[0].Circuit.Record(cluster.Breaker!, failed: true, probe: false, clock.GetUtcNow()),
        };
        var handler = new ResilienceHandler(backend, clock, NullLogger.Instance);
        Pick(run);

        using var response = await Send(handler, run, HttpMethod.Get).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode); // the backend's own answer, not a gateway 503
        Assert.Equal(1, backend.Calls);
    }

    [Fact]
    public async Task Send_ClientBodyFailsMidStream_NotABreakerFailure()
    {
        var backend = new ScriptedBackend(200, 200, 200);
        var (run, handler) = Setup("""{ "type": "set-header", "name": "X-A", "value": "1" }""", backend,
            """{ "urls": ["http://127.0.0.1:1"], "circuitBreaker": { "failureCount": 2, "tripDuration": "00:00:30" } }""");
        var cluster = run.Route.Cluster;

        for (var i = 0; i < 3; i++)
        {
            var each = i == 0 ? run : NextRun();
            Pick(each);
            var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/a") { Content = new StreamContent(new BrokenStream()) };
            request.Options.Set(ResilienceHandler.RunKey, each);
            await Assert.ThrowsAsync<HttpRequestException>(() => handler.Invoker.SendAsync(request, CancellationToken.None));
            handler.Settle(each, Yarp.ReverseProxy.Forwarder.ForwarderError.RequestBodyClient); // what YARP says for it
        }

        Assert.NotNull(cluster.PickClosed(out var probe)); // three broken uploads later, the backend is still open to everyone
        Assert.False(probe);
    }

    [Theory]
    [InlineData(Yarp.ReverseProxy.Forwarder.ForwarderError.Request, true)]
    [InlineData(Yarp.ReverseProxy.Forwarder.ForwarderError.RequestTimedOut, true)]
    [InlineData(Yarp.ReverseProxy.Forwarder.ForwarderError.ResponseBodyDestination, true)]
    [InlineData(Yarp.ReverseProxy.Forwarder.ForwarderError.RequestBodyClient, false)]
    [InlineData(Yarp.ReverseProxy.Forwarder.ForwarderError.RequestBodyCanceled, false)]
    [InlineData(Yarp.ReverseProxy.Forwarder.ForwarderError.RequestCanceled, false)]
    [InlineData(null, false)]
    public void Settle_ForwarderError_OnlyTheBackendsFailuresCount(Yarp.ReverseProxy.Forwarder.ForwarderError? error, bool opens)
    {
        var (run, handler) = Setup("""{ "type": "set-header", "name": "X-A", "value": "1" }""", new ScriptedBackend(),
            """{ "urls": ["http://127.0.0.1:1"], "circuitBreaker": { "failureCount": 1, "tripDuration": "00:00:30" } }""");
        Pick(run);

        handler.Settle(run, error);

        Assert.Equal(opens, run.Route.Cluster.PickClosed(out _) is null);
    }

    [Fact]
    public void Settle_ProbeEndsWithoutABackendOutcome_TheNextRequestProbesAtOnce()
    {
        var (run, handler) = Setup("""{ "type": "set-header", "name": "X-A", "value": "1" }""", new ScriptedBackend(),
            """{ "urls": ["http://127.0.0.1:1"], "circuitBreaker": { "failureCount": 1, "tripDuration": "00:00:30" } }""");
        var cluster = run.Route.Cluster;
        Pick(run);
        handler.Settle(run, Yarp.ReverseProxy.Forwarder.ForwarderError.Request); // opened
        clock.Advance(TimeSpan.FromSeconds(30));
        var probeRun = NextRun();
        Assert.True(Pick(probeRun));
        Assert.Null(cluster.PickClosed(out _)); // one probe at a time

        handler.Settle(probeRun, Yarp.ReverseProxy.Forwarder.ForwarderError.RequestCanceled); // its client went away

        Assert.NotNull(cluster.PickClosed(out var probe)); // not 503 for another trip duration
        Assert.True(probe);
    }

    [Fact]
    public async Task Send_WaitWouldOutlastTheRequestTimeout_TheLastAnswerWithoutWaiting()
    {
        var backend = new ScriptedBackend(503, 200);
        var (run, handler) = Setup("""{ "type": "forward-request", "timeout": 5 }, """ + RetryOn503, backend);

        using var response = await Send(handler, run, HttpMethod.Get).WaitAsync(TimeSpan.FromSeconds(30)); // the clock never moves

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode); // the backend's answer, not the timeout's 504
        Assert.Equal(1, backend.Calls);
    }

    [Fact]
    public async Task Send_ConditionThrows_TheAttemptsAnswerStandsAndNothingLeaks()
    {
        var backend = new ScriptedBackend(503, 200);
        var (run, handler) = Setup(RetryOn503, backend);
        var condition = (EdgeGateway.Contracts.Policies.Expressions.PolicyCondition)Activator.CreateInstance(
            typeof(EdgeGateway.Contracts.Policies.Expressions.PolicyCondition), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance,
            null, ["@(boom)", Array.Empty<string>(), (Func<EdgeGateway.Contracts.Policies.Expressions.IPolicyContext, bool>)(_ => throw new FormatException("boom")), false, true], null)!;
        run.Forward!.Retry = new Retry(condition, 3, TimeSpan.Zero, null, TimeSpan.Zero, false, false);

        var response = await Send(handler, run, HttpMethod.Get).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal((1, 0), (backend.Calls, backend.Disposed)); // handed on, not thrown away unreleased
        response.Dispose();
    }

    private bool Pick(PolicyRun run)
    {
        var call = run.Forwarding();
        call.Destination = run.Route.Cluster.PickClosed(out var probe);
        call.Probe = probe;
        return probe;
    }

    private PolicyRun NextRun()
    {
        var run = new PolicyRun(new Microsoft.AspNetCore.Http.DefaultHttpContext(), api!.Policies.For(null), new PolicyRequest(api, null, null, null, null, null, "west"));
        RetryTests.Backend(run);
        return run;
    }

    private (PolicyRun Run, ResilienceHandler Handler) Setup(string backendPolicy, ScriptedBackend backend, string? backendJson = null)
    {
        var services = new PolicyServices(new EdgeGateway.Policies.Jwt.OpenIdKeyCache(TimeSpan.FromHours(1))) { Time = clock };
        var doc = backendJson is null ? RetryTests.Api(backendPolicy) : RetryTests.Api(backendPolicy, backendJson);
        var parsed = EdgeGateway.Contracts.Snapshot.SnapshotReader.Parse(System.Text.Encoding.UTF8.GetBytes(doc));
        var runtime = new GatewayRuntime(parsed.Snapshot!, "test", DateTimeOffset.UnixEpoch, policyServices: services);
        api = runtime.Apis.Single();
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        var run = new PolicyRun(http, api.Policies.For(null), new PolicyRequest(api, null, null, null, null, null, "west"));
        RetryTests.Backend(run);
        return (run, new ResilienceHandler(backend, clock, NullLogger.Instance));
    }

    private static Task<HttpResponseMessage> Send(ResilienceHandler handler, PolicyRun run, HttpMethod method, byte[]? body = null,
        CancellationToken cancel = default, string uri = "http://127.0.0.1:1/a")
    {
        var request = new HttpRequestMessage(method, uri);
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

        public List<string> Uris { get; } = [];

        /// <summary>Runs as call n (1 for the first) arrives: what other requests do meanwhile.</summary>
        public Action<int>? OnCall { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref calls);
            var status = statuses[call - 1];
            Uris.Add(request.RequestUri!.OriginalString);
            OnCall?.Invoke(call);
            if (request.Content is not null)
            {
                try
                {
                    Bodies.Add(await request.Content.ReadAsStringAsync(cancellationToken));
                }
                catch (IOException e)
                {
                    throw new HttpRequestException("Error while copying content to a stream.", e); // as SocketsHttpHandler wraps it
                }

                ContentTypes.Add(request.Content.Headers.ContentType?.MediaType);
            }

            if (status == 0)
            {
                throw new HttpRequestException("connection refused");
            }

            return new TrackedResponse((HttpStatusCode)status, () => Interlocked.Increment(ref disposed));
        }
    }

    /// <summary>A client's request body that breaks off mid-stream (malformed chunks, an upload below the minimum rate).</summary>
    private sealed class BrokenStream : Stream
    {
        private bool sent;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (sent)
            {
                throw new IOException("Bad chunk size data.");
            }

            sent = true;
            buffer[offset] = (byte)'x';
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
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
