using System.Collections.Concurrent;
using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// send-request, send-one-way-request, cache-*-value and authentication-basic through the AOT gateway: a real Kestrel token
/// endpoint that counts its calls and checks the client's Basic credentials, an audit endpoint, a backend that checks Basic
/// credentials, and the echo backend that shows what the gateway forwarded.
/// </summary>
public sealed class SideCallFixture : IAsyncLifetime
{
    public const string IdpSecret = "idp-Secret-7f3a9c";

    public const string LegacyPassword = "legacy-Passw0rd-e41b";

    private const string IdpSecretReference = "{{idp-secret}}";

    private readonly ConfigFolder folder = new();
    private readonly TaskCompletionSource releaseSlow = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int tokenCalls;
    private int slowHeld;

    public TestBackend Idp { get; private set; } = null!;

    public TestBackend Main { get; private set; } = null!;

    public TestBackend Audit { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    /// <summary>Calls to the token endpoint that presented the right credentials.</summary>
    public int TokenCalls => Volatile.Read(ref tokenCalls);

    /// <summary>Side calls waiting at the slow endpoint until <see cref="ReleaseSlow"/>.</summary>
    public int SlowHeld => Volatile.Read(ref slowHeld);

    public ConcurrentQueue<string> AuditEvents { get; } = new();

    public void ReleaseSlow() => releaseSlow.TrySetResult();

    public async Task InitializeAsync()
    {
        var expectedIdp = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("gateway-client:" + IdpSecret));
        var expectedLegacy = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("gateway:" + LegacyPassword));
        Idp = await TestBackend.StartAsync("idp", app =>
        {
            app.MapPost("/oauth2/token", async (HttpContext context) =>
            {
                var form = await new StreamReader(context.Request.Body).ReadToEndAsync();
                if (context.Request.Headers.Authorization != expectedIdp || form != "grant_type=client_credentials")
                {
                    return Results.Unauthorized();
                }

                var call = Interlocked.Increment(ref tokenCalls);
                return Results.Text($$"""{ "access_token": "tok-{{call}}", "token_type": "Bearer", "expires_in": 3600 }""", "application/json");
            });
            app.MapGet("/never", async (HttpContext context) =>
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return Results.Ok();
            });
            app.MapGet("/fast", () => Results.Text("fast answer"));
            app.MapGet("/slow", async (HttpContext context) =>
            {
                Interlocked.Increment(ref slowHeld);
                await releaseSlow.Task.WaitAsync(context.RequestAborted);
                return Results.Text("slow answer");
            });
        });
        Audit = await TestBackend.StartAsync("audit", app => app.MapPost("/events", async (HttpContext context) =>
        {
            AuditEvents.Enqueue(await new StreamReader(context.Request.Body).ReadToEndAsync());
            return Results.Accepted();
        }));
        Main = await TestBackend.StartAsync("main", app => app.MapGet("/basic-only/{**rest}", (HttpContext context) =>
            context.Request.Headers.Authorization == expectedLegacy ? Results.Text("welcome") : Results.Unauthorized()));
        var closedPort = Ports.Free(); // nothing listens there

        string Side(string url, int timeout, bool ignoreError) => $$"""
            { "type": "send-request", "responseVariableName": "side", "timeout": {{timeout}}, "ignoreError": {{(ignoreError ? "true" : "false")}},
              "policies": [ { "type": "set-url", "url": "{{url}}" } ] },
            { "type": "set-header", "name": "X-Side-Status", "value": "@(((IResponse)context.Variables[\"side\"]).StatusCode.ToString())" },
            { "type": "set-header", "name": "X-Side-Body", "value": "@(((IResponse)context.Variables[\"side\"]).Body.As<string>())" }
            """;
        string Api(string id, string inbound, string backend = "") => $$"""
            { "id": "{{id}}", "path": "/{{id}}", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}{{backend}}"] },
              "policies": { "inbound": [ {{inbound}} ] } }
            """;

        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "namedValues": [
                { "id": "idp-secret", "value": "{{IdpSecret}}", "secret": true },
                { "id": "legacy-password", "value": "{{LegacyPassword}}", "secret": true } ],
              "apis": [
                {{Api("tokened", $$"""
                    { "type": "cache-lookup-value", "key": "idp-token", "variableName": "token", "defaultValue": "" },
                    { "type": "choose", "when": [ { "condition": "@(context.Variables.GetValueOrDefault<string>(\"token\", \"\") == \"\")", "policies": [
                      { "type": "send-request", "mode": "new", "responseVariableName": "tokenResponse", "timeout": 20, "policies": [
                        { "type": "set-url", "url": "{{Idp.Url}}/oauth2/token" },
                        { "type": "set-method", "method": "POST" },
                        { "type": "set-header", "name": "Content-Type", "value": "application/x-www-form-urlencoded" },
                        { "type": "set-body", "value": "grant_type=client_credentials" },
                        { "type": "authentication-basic", "username": "gateway-client", "password": "{{IdpSecretReference}}" } ] },
                      { "type": "set-variable", "name": "token",
                        "value": "@(((IResponse)context.Variables[\"tokenResponse\"]).Body.As<JObject>()[\"access_token\"].ToString())" },
                      { "type": "cache-store-value", "key": "idp-token", "value": "@(context.Variables.GetValueOrDefault<string>(\"token\", \"\"))", "duration": 300 } ] } ] },
                    { "type": "set-header", "name": "Authorization", "value": "@(\"Bearer \" + context.Variables.GetValueOrDefault<string>(\"token\", \"\"))" }
                    """)}},
                {{Api("timeout-strict", Side($"{Idp.Url}/never", 1, false))}},
                {{Api("timeout-lenient", Side($"{Idp.Url}/never", 1, true))}},
                {{Api("refused-strict", Side($"http://127.0.0.1:{closedPort}/x", 5, false))}},
                {{Api("refused-lenient", Side($"http://127.0.0.1:{closedPort}/x", 5, true))}},
                {{Api("slow", Side($"{Idp.Url}/slow", 60, false))}},
                {{Api("fast", Side($"{Idp.Url}/fast", 60, false))}},
                {{Api("audited", $$"""
                    { "type": "send-one-way-request", "policies": [
                      { "type": "set-url", "url": "{{Audit.Url}}/events" },
                      { "type": "set-method", "method": "POST" },
                      { "type": "set-body", "value": "@(\"seen \" + context.Request.Url.Path)" } ] }
                    """)}},
                {{Api("legacy", """{ "type": "authentication-basic", "username": "gateway", "password": "{{legacy-password}}" }""", "/basic-only")}},
                {{Api("legacy-plain", """{ "type": "set-header", "name": "X-Plain", "value": "1" }""", "/basic-only")}} ] }
            """);
        Gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
    }

    public async Task DisposeAsync()
    {
        ReleaseSlow();
        await Gateway.DisposeAsync();
        await Main.DisposeAsync();
        await Idp.DisposeAsync();
        await Audit.DisposeAsync();
        folder.Dispose();
    }
}

public sealed class SideCallTests(SideCallFixture f) : IClassFixture<SideCallFixture>
{
    private int MainCalls(string path) => f.Main.Paths.Count(p => p.StartsWith(path, StringComparison.Ordinal));

    [Fact]
    public async Task TokenFromSendRequest_CachedWithCacheStoreValue_ReusedWithoutASecondSideCall()
    {
        using var first = await f.Gateway.Client.GetAsync("/tokened/one");
        using var second = await f.Gateway.Client.GetAsync("/tokened/two");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("Bearer tok-1", (await Echo.ReadAsync(first)).Headers["authorization"]);
        Assert.Equal("Bearer tok-1", (await Echo.ReadAsync(second)).Headers["authorization"]);
        Assert.Equal(1, f.TokenCalls);
    }

    [Fact]
    public async Task SendRequestTimeout_WithoutIgnoreError_ClientGets504AndTheBackendIsNotCalled()
    {
        using var response = await f.Gateway.Client.GetAsync("/timeout-strict/x");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(0, MainCalls("/x"));
    }

    [Fact]
    public async Task SendRequestTimeout_WithIgnoreError_BackendCalledWithoutAResponse()
    {
        using var response = await f.Gateway.Client.GetAsync("/timeout-lenient/y");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await Echo.ReadAsync(response);
        Assert.Equal(("0", ""), (echo.Headers["x-side-status"], echo.Headers.GetValueOrDefault("x-side-body", "")));
    }

    [Fact]
    public async Task SendRequestConnectionRefused_WithoutIgnoreError_ClientGets502WithTheErrorNamed()
    {
        using var response = await f.Gateway.Client.GetAsync("/refused-strict/z");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("send-request failed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, MainCalls("/z"));
    }

    [Fact]
    public async Task SendRequestConnectionRefused_WithIgnoreError_BackendCalled()
    {
        using var response = await f.Gateway.Client.GetAsync("/refused-lenient/w");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0", (await Echo.ReadAsync(response)).Headers["x-side-status"]);
    }

    [Fact]
    public async Task SlowSideCall_DoesNotHoldUpAnotherRequest_AndAnswersOnceReleased()
    {
        var slow = f.Gateway.Client.GetAsync("/slow/held");
        await f.Gateway.EventuallyAsync(() => Task.FromResult(f.SlowHeld == 1), "the slow side call reached its endpoint");

        // Another side call to the same host, through the same pooled client, while the slow one holds a connection there.
        using var other = await f.Gateway.Client.GetAsync("/fast/meanwhile");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal("fast answer", (await Echo.ReadAsync(other)).Headers["x-side-body"]);
        Assert.False(slow.IsCompleted);

        f.ReleaseSlow();
        using var released = await slow.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal("slow answer", (await Echo.ReadAsync(released)).Headers["x-side-body"]);
    }

    [Fact]
    public async Task SendOneWayRequest_ReachesItsTarget_ClientAnsweredByTheBackend()
    {
        using var response = await f.Gateway.Client.GetAsync("/audited/report");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await f.Gateway.EventuallyAsync(() => Task.FromResult(f.AuditEvents.Contains("seen /audited/report")), "the audit endpoint got the event");
    }

    [Fact]
    public async Task AuthenticationBasic_BackendThatChecksIt_LetsTheRequestIn()
    {
        using var with = await f.Gateway.Client.GetAsync("/legacy/page");
        using var without = await f.Gateway.Client.GetAsync("/legacy-plain/page");

        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        Assert.Equal("welcome", await with.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
    }

    [Fact]
    public async Task Secrets_AfterCallsThatUseAndFailWithThem_NeverInTheOutputOrStatus()
    {
        using (await f.Gateway.Client.GetAsync("/legacy/page"))
        using (await f.Gateway.Client.GetAsync("/tokened/secret-check"))
        using (await f.Gateway.Client.GetAsync("/refused-strict/secret-check"))
        {
        }

        var status = (await f.Gateway.StatusAsync()).GetRawText();
        foreach (var secret in new[] { SideCallFixture.IdpSecret, SideCallFixture.LegacyPassword,
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("gateway:" + SideCallFixture.LegacyPassword)),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("gateway-client:" + SideCallFixture.IdpSecret)) })
        {
            Assert.DoesNotContain(secret, f.Gateway.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, status, StringComparison.Ordinal);
        }

        Assert.Contains("send-request to 127.0.0.1", f.Gateway.Output, StringComparison.Ordinal); // the failure was logged, by host
    }
}
