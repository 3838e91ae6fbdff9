using System.Collections.Concurrent;
using System.Net;
using System.Text;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// retry, forward-request and the backend circuit breaker through the AOT binary, against a real Kestrel backend that fails
/// on cue: <c>/script/{id}?fail=N</c> answers 503 to its first N calls, then 200 with the body it got; <c>/switch</c>
/// answers 503 while <see cref="down"/> is set; <c>/slow</c> takes far longer than any timeout here.
/// </summary>
public sealed class ResilienceTests : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> calls = new();
    private volatile bool down;
    private int switchCalls;
    private TestBackend backend = null!;
    private GatewayProcess gateway = null!;

    public async Task InitializeAsync()
    {
        backend = await TestBackend.StartAsync(map: app =>
        {
            app.Map("/script/{id}", async (HttpContext context, string id) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync(context.RequestAborted);
                var seen = calls.GetOrAdd(id, _ => new());
                seen.Enqueue(body);
                var fail = int.Parse(context.Request.Query["fail"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
                context.Response.StatusCode = seen.Count <= fail ? 503 : 200;
                await context.Response.WriteAsync($"backend call {seen.Count}: {body}", context.RequestAborted);
            });
            app.Map("/switch", async (HttpContext context) =>
            {
                Interlocked.Increment(ref switchCalls);
                context.Response.StatusCode = down ? 503 : 200;
                await context.Response.WriteAsync(down ? "backend down" : "backend up", context.RequestAborted);
            });
            app.Map("/slow", async (HttpContext context) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted);
                await context.Response.WriteAsync("late", context.RequestAborted);
            });
        });

        const string RetryOn503 = """{ "type": "retry", "condition": "@(context.Response.StatusCode == 503)", "count": 3, "interval": 1 }""";
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [
              { "id": "r", "path": "/r", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
                "policies": { "backend": [ {{RetryOn503}} ] } },
              { "id": "p", "path": "/p", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
                "policies": { "backend": [ { "type": "forward-request", "bufferRequestBody": true },
                  { "type": "retry", "condition": "@(context.Response.StatusCode == 503)", "count": 3, "interval": 1, "retryNonIdempotent": true } ] } },
              { "id": "t", "path": "/t", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] },
                "policies": { "backend": [ { "type": "forward-request", "timeout": 1 } ] } },
              { "id": "b", "path": "/b", "subscriptionRequired": false,
                "backend": { "urls": ["{{backend.Url}}"], "circuitBreaker": { "failureCount": 2, "tripDuration": "00:01:00" } } },
              { "id": "bh", "path": "/bh", "subscriptionRequired": false,
                "backend": { "urls": ["{{backend.Url}}"], "circuitBreaker": { "failureCount": 2, "tripDuration": "00:00:02" } } },
              { "id": "bc", "path": "/bc", "subscriptionRequired": false,
                "backend": { "urls": ["{{backend.Url}}"], "circuitBreaker": { "failureCount": 2, "tripDuration": "00:01:00" } } },
              { "id": "br", "path": "/br", "subscriptionRequired": false,
                "backend": { "urls": ["{{backend.Url}}"], "circuitBreaker": { "failureCount": 2, "tripDuration": "00:01:00" } },
                "policies": { "backend": [ { "type": "retry", "condition": "@(context.Response.StatusCode == 503)", "count": 3, "interval": 0 } ] } },
              { "id": "b2", "path": "/b2", "subscriptionRequired": false,
                "backend": { "urls": ["{{backend.Url}}"], "circuitBreaker": { "failureCount": 2, "tripDuration": "00:00:03" } } }
            ] }
            """);
        gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
    }

    public async Task DisposeAsync()
    {
        await gateway.DisposeAsync();
        await backend.DisposeAsync();
        folder.Dispose();
    }

    [Fact]
    public async Task Retry_Get503TwiceThen200_ReachesTheBackendThreeTimesAndTheClientGets200()
    {
        using var response = await gateway.Client.GetAsync("/r/script/get?fail=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("backend call 3: ", await response.Content.ReadAsStringAsync());
        Assert.Equal(3, calls["get"].Count);
    }

    [Fact]
    public async Task Retry_PostWithoutOptIn_NotRetried()
    {
        using var response = await gateway.Client.PostAsync("/r/script/post?fail=2", new StringContent("order 1"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("backend call 1: order 1", await response.Content.ReadAsStringAsync());
        Assert.Single(calls["post"]);
    }

    [Fact]
    public async Task Retry_PostBufferedWithOptIn_RetriedWithTheSameBodyEachTime()
    {
        using var response = await gateway.Client.PostAsync("/p/script/buffered?fail=2", new StringContent("order 2", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["order 2", "order 2", "order 2"], calls["buffered"]);
    }

    [Fact]
    public async Task Retry_PutWithStreamedBody_NotRetried()
    {
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("put body"))); // no length: chunked, never buffered
        using var response = await gateway.Client.PutAsync("/r/script/put?fail=2", content);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(calls["put"]);
    }

    [Fact]
    public async Task ForwardRequest_TimeoutShorterThanTheBackends_504Json()
    {
        using var response = await gateway.Client.GetAsync("/t/slow");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("\"statusCode\":504", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // Trip durations: a minute where a test asserts the breaker is still open (no machine is that slow between two requests);
    // seconds only where the test waits for the trip to end, asserting nothing that depends on how soon a request comes.
    [Fact]
    public async Task CircuitBreaker_TwoFailures_OpensAnswers503WithRetryAfter()
    {
        down = true;
        for (var i = 0; i < 2; i++)
        {
            using var failed = await gateway.Client.GetAsync("/b/switch");
            Assert.Equal("backend down", await failed.Content.ReadAsStringAsync());
        }

        using (var open = await gateway.Client.GetAsync("/b/switch"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, open.StatusCode);
            Assert.Contains("circuit breaker is open", await open.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.True(open.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {open.Headers.RetryAfter}");
        }

        down = false;
        using (var stillOpen = await gateway.Client.GetAsync("/b/switch"))
        {
            Assert.Contains("circuit breaker is open", await stillOpen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(2, Volatile.Read(ref switchCalls)); // the open breaker kept the later requests away
    }

    [Fact]
    public async Task CircuitBreaker_AfterTheTrip_OneProbeReachesTheBackendAndItsSuccessClosesTheBreaker()
    {
        down = true;
        for (var i = 0; i < 2; i++)
        {
            using var failed = await gateway.Client.GetAsync("/bh/switch");
        }

        down = false;
        await gateway.EventuallyAsync(async () =>
        {
            using var response = await gateway.Client.GetAsync("/bh/switch");
            return response.StatusCode == HttpStatusCode.OK;
        }, "a request reaches the backend again once the trip duration is over");
        Assert.Equal(3, Volatile.Read(ref switchCalls)); // requests one after another: the probe was the only one let through

        for (var i = 0; i < 3; i++)
        {
            using var closed = await gateway.Client.GetAsync("/bh/switch");
            Assert.Equal("backend up", await closed.Content.ReadAsStringAsync()); // closed: every request passes
        }

        Assert.Equal(6, Volatile.Read(ref switchCalls));
    }

    [Fact]
    public async Task CircuitBreaker_ProbeFails_OpensAgain()
    {
        down = true;
        for (var i = 0; i < 2; i++)
        {
            using var failed = await gateway.Client.GetAsync("/b2/switch");
        }

        await gateway.EventuallyAsync(async () =>
        {
            using var response = await gateway.Client.GetAsync("/b2/switch");
            return await response.Content.ReadAsStringAsync() == "backend down";
        }, "the probe reaches the backend once the trip duration is over");

        // The failed probe opened the breaker again: a request is turned away once more (how soon is not asserted: should
        // the next trip end first, another probe fails and opens it again).
        await gateway.EventuallyAsync(async () =>
        {
            using var response = await gateway.Client.GetAsync("/b2/switch");
            return (await response.Content.ReadAsStringAsync()).Contains("circuit breaker is open", StringComparison.Ordinal);
        }, "the breaker is open again after the failed probe");
    }

    [Fact]
    public async Task CircuitBreaker_ClientBodiesBreakOffMidStream_NotCountedTheBackendStaysOpenToOthers()
    {
        for (var i = 0; i < 3; i++)
        {
            // One good chunk reaches the backend, then a chunk size that is not hex: the client's fault, not the backend's.
            var broken = await RawHttp.SendAsync(gateway.Port,
                $"POST /bc/script/chunks{i}?fail=0 HTTP/1.1\r\nHost: gw.example\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n");
            Assert.Equal(400, broken.Status);
        }

        using var response = await gateway.Client.GetAsync("/bc/script/after?fail=0");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // three misbehaving clients did not open the breaker for everyone
        Assert.Equal("backend call 1: ", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CircuitBreaker_OneRequestRetriedThreeTimes_CountsAsOneFailure()
    {
        using (var first = await gateway.Client.GetAsync("/br/script/retried?fail=4"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
            Assert.Equal("backend call 4: ", await first.Content.ReadAsStringAsync()); // all four attempts sent
        }

        using var second = await gateway.Client.GetAsync("/br/script/retried?fail=4");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode); // failureCount 2: one request's four failed attempts are one failure
        Assert.Equal("backend call 5: ", await second.Content.ReadAsStringAsync());
    }
}
