using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// rate-limit, rate-limit-by-key, quota-by-key and limit-concurrency through the AOT gateway, against real Kestrel backends.
/// The gateway runs on the real clock: rate-limit windows are 10^9 seconds long (the next ends in 2033) and the quota's
/// period starts a minute before the gateway does and lasts a day, so no window ends during a run.
/// </summary>
public sealed class TrafficPolicyFixture : IAsyncLifetime
{
    public const int Period = 1_000_000_000;

    private readonly ConfigFolder folder = new();

    public TestBackend Main { get; private set; } = null!;

    /// <summary>Holds requests to /hold until released: the in-flight request limit-concurrency counts.</summary>
    public TestBackend Slow { get; private set; } = null!;

    /// <summary>Another holding backend, for the request whose client goes away.</summary>
    public TestBackend Abandoned { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Main = await TestBackend.StartAsync("main", app => app.MapGet("/missing", () => Results.NotFound()));
        Slow = await TestBackend.StartAsync("slow");
        Abandoned = await TestBackend.StartAsync("abandoned");
        var start = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        const string caller = """@(context.Request.Headers.GetValueOrDefault(\"X-Caller\", \"\"))""";
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "apis": [
                { "id": "keyed", "path": "/keyed", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}"] },
                  "policies": { "inbound": [ { "type": "rate-limit-by-key", "calls": 3, "renewalPeriod": {{Period}}, "counterKey": "{{caller}}",
                    "remainingCallsHeaderName": "X-Calls-Left", "totalCallsHeaderName": "X-Calls-Total" } ] } },
                { "id": "subs", "path": "/subs", "subscriptionRequired": true, "backend": { "urls": ["{{Main.Url}}"] },
                  "policies": { "inbound": [ { "type": "rate-limit", "calls": 2, "renewalPeriod": {{Period}} } ] } },
                { "id": "conditional", "path": "/conditional", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}"] },
                  "policies": { "inbound": [ { "type": "rate-limit-by-key", "calls": 1, "renewalPeriod": {{Period}}, "counterKey": "conditional",
                    "incrementCondition": "@(context.Response.StatusCode == 200)" } ] } },
                { "id": "quota", "path": "/quota", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}"] },
                  "policies": { "inbound": [ { "type": "quota-by-key", "calls": 2, "renewalPeriod": 86400, "counterKey": "{{caller}}",
                    "firstPeriodStart": "{{start}}" } ] } },
                { "id": "bytes", "path": "/bytes", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}"] },
                  "policies": { "inbound": [ { "type": "quota-by-key", "bandwidth": 2, "renewalPeriod": 86400, "counterKey": "{{caller}}",
                    "firstPeriodStart": "{{start}}" } ] } },
                { "id": "conc", "path": "/conc", "subscriptionRequired": false, "backend": { "urls": ["{{Slow.Url}}"] },
                  "policies": { "inbound": [ { "type": "limit-concurrency", "key": "{{caller}}", "maxCount": 1 } ] } },
                { "id": "abandoned", "path": "/abandoned", "subscriptionRequired": false, "backend": { "urls": ["{{Abandoned.Url}}"] },
                  "policies": { "inbound": [ { "type": "limit-concurrency", "key": "one", "maxCount": 1 } ] } } ],
              "subscriptions": [ { "id": "sub-a", "scope": "apis", "primaryKey": "key-a" }, { "id": "sub-b", "scope": "apis", "primaryKey": "key-b" } ] }
            """);
        Gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Main.DisposeAsync();
        await Slow.DisposeAsync();
        await Abandoned.DisposeAsync();
        folder.Dispose();
    }
}

public sealed class TrafficPolicyTests(TrafficPolicyFixture f) : IClassFixture<TrafficPolicyFixture>
{
    private async Task<HttpResponseMessage> SendAsync(string path, string? caller = null, string? key = null, HttpContent? body = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, path) { Content = body };
        if (caller is not null)
        {
            request.Headers.Add("X-Caller", caller);
        }

        if (key is not null)
        {
            request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        }

        return await f.Gateway.Client.SendAsync(request, cancellationToken);
    }

    private static int RetryAfter(HttpResponseMessage response) =>
        int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task RateLimitByKey_CallsPassThenNextIs429WithRetryAfter_OtherKeyStillPasses()
    {
        for (var i = 1; i <= 3; i++)
        {
            using var passed = await SendAsync("/keyed/x", caller: "alice");
            Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
            Assert.Equal((3 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(passed.Headers.GetValues("X-Calls-Left")));
            Assert.Equal("3", Assert.Single(passed.Headers.GetValues("X-Calls-Total")));
        }

        var hits = f.Main.Hits;
        using var refused = await SendAsync("/keyed/x", caller: "alice");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(RetryAfter(refused), 1, TrafficPolicyFixture.Period);
        Assert.Contains("Rate limit is exceeded", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(hits, f.Main.Hits); // the backend never saw it
        using var other = await SendAsync("/keyed/x", caller: "bob");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task RateLimit_PerSubscription_EachSubscriptionHasItsOwnCalls()
    {
        for (var i = 0; i < 2; i++)
        {
            using var passed = await SendAsync("/subs/x", key: "key-a");
            Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        }

        using var refused = await SendAsync("/subs/x", key: "key-a");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(RetryAfter(refused), 1, TrafficPolicyFixture.Period);

        using var otherSubscription = await SendAsync("/subs/x", key: "key-b");
        Assert.Equal(HttpStatusCode.OK, otherSubscription.StatusCode);
    }

    [Fact]
    public async Task RateLimitByKey_IncrementCondition_OnlyResponsesMeetingItAreCountedAfterTheResponse()
    {
        for (var i = 0; i < 4; i++)
        {
            using var missing = await SendAsync("/conditional/missing");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode); // 404s are not counted: never refused
        }

        using var ok = await SendAsync("/conditional/x");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        // Counted once the gateway has written that response: wait for it, not for a time.
        await f.Gateway.EventuallyAsync(async () =>
        {
            using var next = await SendAsync("/conditional/missing");
            return next.StatusCode == HttpStatusCode.TooManyRequests;
        }, "the 200 counted after its response");
    }

    [Fact]
    public async Task QuotaByKey_CallsUsedUp_403WithRetryAfterToThePeriodsEnd()
    {
        for (var i = 0; i < 2; i++)
        {
            using var passed = await SendAsync("/quota/x", caller: "carol");
            Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        }

        using var refused = await SendAsync("/quota/x", caller: "carol");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Out of call volume quota", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The period started a minute before the gateway did and lasts a day (firstPeriodStart).
        Assert.InRange(RetryAfter(refused), 80_000, 86_400 - 60);
        using var other = await SendAsync("/quota/x", caller: "dave");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task QuotaByKey_Bandwidth_BodiesCountedThenRefused403()
    {
        using var large = await SendAsync("/bytes/x", caller: "erin", body: new ByteArrayContent(new byte[3000]));
        Assert.Equal(HttpStatusCode.OK, large.StatusCode);
        using var small = await SendAsync("/bytes/x", caller: "frank", body: new ByteArrayContent(new byte[10]));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);

        await f.Gateway.EventuallyAsync(async () =>
        {
            using var next = await SendAsync("/bytes/x", caller: "erin");
            return next.StatusCode == HttpStatusCode.Forbidden
                && (await next.Content.ReadAsStringAsync()).Contains("Out of bandwidth quota", StringComparison.Ordinal);
        }, "3000 bytes of request body over a 2 KB quota");
        using var underQuota = await SendAsync("/bytes/x", caller: "frank"); // about 10 bytes + a small echo
        Assert.Equal(HttpStatusCode.OK, underQuota.StatusCode);
    }

    [Fact]
    public async Task LimitConcurrency_SlotHeldBySlowRequest_429ThenAdmittedOnceItsResponseIsWritten()
    {
        var held = SendAsync("/conc/hold", caller: "gina");
        await f.Gateway.EventuallyAsync(() => Task.FromResult(f.Slow.Held == 1), "the first request held at the backend");

        using var refused = await SendAsync("/conc/x", caller: "gina");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many concurrent requests", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var otherKey = await SendAsync("/conc/x", caller: "hank");
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);

        f.Slow.ReleaseHeld();
        using (var first = await held)
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await f.Gateway.EventuallyAsync(async () =>
        {
            using var after = await SendAsync("/conc/x", caller: "gina");
            return after.StatusCode == HttpStatusCode.OK;
        }, "the slot released once the held response was written");
    }

    [Fact]
    public async Task LimitConcurrency_ClientGoesAway_SlotReleased()
    {
        using var abandon = new CancellationTokenSource();
        var held = SendAsync("/abandoned/hold", cancellationToken: abandon.Token);
        await f.Gateway.EventuallyAsync(() => Task.FromResult(f.Abandoned.Held == 1), "the request held at the backend");
        using (var refused = await SendAsync("/abandoned/x"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        await abandon.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held);

        await f.Gateway.EventuallyAsync(async () =>
        {
            using var after = await SendAsync("/abandoned/x");
            return after.StatusCode == HttpStatusCode.OK;
        }, "the slot released when the client went away");
    }
}
