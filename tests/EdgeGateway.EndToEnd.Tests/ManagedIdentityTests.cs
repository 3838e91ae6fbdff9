using System.Collections.Concurrent;
using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// The AOT gateway getting managed-identity tokens from a Kestrel server that speaks App Service's (and Container Apps')
/// identity protocol (2019-08-01: <c>GET ?resource=..&amp;api-version=2019-08-01[&amp;client_id=..]</c> with
/// <c>X-IDENTITY-HEADER</c>), found through <c>IDENTITY_ENDPOINT</c> / <c>IDENTITY_HEADER</c> in its environment, as
/// the platform sets them.
/// </summary>
public sealed class ManagedIdentityFixture : IAsyncLifetime
{
    public const string Secret = "identity-header-secret-5d1c";

    /// <summary>Resources the endpoint refuses (400 invalid_resource): what a gateway without that role assignment sees.</summary>
    public const string Refused = "https://refused.test/";

    /// <summary>A resource whose requests the endpoint drops without an answer: an endpoint that is down.</summary>
    public const string Down = "https://down.test/";

    private readonly ConfigFolder folder = new();
    private int issued;

    /// <summary>Holds the endpoint's answers to refreshes of the short-lived token until the test sets it.</summary>
    public TaskCompletionSource ReleaseRefresh { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every token the endpoint issued: none may ever appear in the gateway's output or status.</summary>
    public ConcurrentQueue<string> Issued { get; } = new();

    /// <summary>Each call to the endpoint: resource, client id (empty: system-assigned), whether the header secret was right.</summary>
    public ConcurrentQueue<(string Resource, string ClientId, bool Authorized)> Calls { get; } = new();

    public TestBackend Identity { get; private set; } = null!;

    public TestBackend Backend { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    public int CallsFor(string resource) => Calls.Count(c => c.Resource == resource);

    public async Task InitializeAsync()
    {
        Identity = await TestBackend.StartAsync("identity", app => app.MapGet("/msi/token", async (HttpContext c) =>
        {
            var resource = c.Request.Query["resource"].ToString();
            var authorized = c.Request.Headers["X-IDENTITY-HEADER"] == Secret && c.Request.Query["api-version"] == "2019-08-01";
            Calls.Enqueue((resource, c.Request.Query["client_id"].ToString(), authorized));
            if (!authorized)
            {
                return Results.Text("""{ "error": "unauthorized" }""", "application/json", statusCode: 401);
            }

            if (resource == Down)
            {
                c.Abort();
                return Results.Empty;
            }

            if (resource == Refused)
            {
                return Results.Text("""{ "error": "invalid_resource", "error_description": "no such resource" }""", "application/json", statusCode: 400);
            }

            // The short resource's tokens live 20 s: refreshed after about 10 s, handed out until 15 s. The others live a day.
            var isShort = resource.Contains("short", StringComparison.Ordinal);
            if (isShort && CallsFor(resource) > 1)
            {
                // A refresh: answered only once the test has seen requests served meanwhile.
                await ReleaseRefresh.Task.WaitAsync(c.RequestAborted);
            }

            var lifetime = isShort ? TimeSpan.FromSeconds(20) : TimeSpan.FromDays(1);
            var n = Interlocked.Increment(ref issued);
            var token = $"eyJmi.{n}.{Guid.NewGuid():N}";
            Issued.Enqueue(token);
            var expiresOn = DateTimeOffset.UtcNow.Add(lifetime).ToUnixTimeSeconds();
            return Results.Text($$"""{ "access_token": "{{token}}", "expires_on": "{{expiresOn}}", "resource": "{{resource}}", "token_type": "Bearer" }""",
                "application/json");
        }));
        Backend = await TestBackend.StartAsync("main");
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "apis": [
                { "id": "storage", "path": "/storage", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] },
                  "policies": { "inbound": [ { "type": "authentication-managed-identity", "resource": "https://storage.test/" } ] } },
                { "id": "short", "path": "/short", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] },
                  "policies": { "inbound": [ { "type": "authentication-managed-identity", "resource": "https://short.test/" } ] } },
                { "id": "user", "path": "/user", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] },
                  "policies": { "inbound": [ { "type": "authentication-managed-identity", "resource": "https://vault.test",
                    "clientId": "11111111-2222-3333-4444-555555555555" } ] } },
                { "id": "manual", "path": "/manual", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] },
                  "policies": { "inbound": [
                    { "type": "authentication-managed-identity", "resource": "https://storage.test/", "outputTokenVariableName": "msi" },
                    { "type": "set-header", "name": "X-Msi", "value": "@(\"Bearer \" + (string)context.Variables[\"msi\"])" } ] } },
                { "id": "refused", "path": "/refused", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] },
                  "policies": {
                    "inbound": [ { "type": "authentication-managed-identity", "resource": "{{Refused}}" } ],
                    "onError": [ { "type": "set-header", "name": "X-Error", "value": "@(context.LastError.Source + \"/\" + context.LastError.Reason)" } ] } },
                { "id": "down", "path": "/down", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] },
                  "policies": { "inbound": [ { "type": "authentication-managed-identity", "resource": "{{Down}}" } ] } },
                { "id": "optional", "path": "/optional", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] },
                  "policies": { "inbound": [ { "type": "authentication-managed-identity", "resource": "{{Refused}}", "ignoreError": true } ] } } ] }
            """);
        Gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: new Dictionary<string, string>
        {
            ["IDENTITY_ENDPOINT"] = $"{Identity.Url}/msi/token",
            ["IDENTITY_HEADER"] = Secret,
            ["Logging__LogLevel__Default"] = "Debug",
        });
    }

    public async Task DisposeAsync()
    {
        ReleaseRefresh.TrySetResult();
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
        await Identity.DisposeAsync();
        folder.Dispose();
    }
}

public sealed class ManagedIdentityTests(ManagedIdentityFixture f) : IClassFixture<ManagedIdentityFixture>
{
    private async Task<(HttpStatusCode Status, Echo? Echo, HttpResponseMessage Response)> GetAsync(string path)
    {
        var response = await f.Gateway.Client.GetAsync(path);
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? await Echo.ReadAsync(response) : null, response);
    }

    [Fact]
    public async Task SystemAssigned_BackendGetsBearerToken_EndpointCalledOnceForManyRequests()
    {
        var tokens = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var (status, echo, response) = await GetAsync($"/storage/item-{i}");
            response.Dispose();
            Assert.Equal(HttpStatusCode.OK, status);
            tokens.Add(echo!.Headers["authorization"]);
        }

        var token = Assert.Single(tokens.Distinct());
        Assert.StartsWith("Bearer eyJmi.", token, StringComparison.Ordinal);
        Assert.Contains(token["Bearer ".Length..], f.Issued);
        Assert.Equal(1, f.CallsFor("https://storage.test/"));
        Assert.All(f.Calls, c => Assert.True(c.Authorized, "the gateway called the endpoint without the right X-IDENTITY-HEADER or api-version"));
    }

    [Fact]
    public async Task UserAssigned_ClientIdSentToTheEndpoint()
    {
        var (status, echo, response) = await GetAsync("/user/secret");
        response.Dispose();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("Bearer eyJmi.", echo!.Headers["authorization"], StringComparison.Ordinal);
        var call = Assert.Single(f.Calls, c => c.Resource == "https://vault.test");
        Assert.Equal("11111111-2222-3333-4444-555555555555", call.ClientId);
    }

    [Fact]
    public async Task ShortLivedToken_RefreshedInTheBackgroundBeforeItExpires_BackendSeesTheNextToken()
    {
        var (status, echo, response) = await GetAsync("/short/first");
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        var first = echo!.Headers["authorization"];

        // Requests go on with the first token until one of them starts the refresh (half the lifetime: ~10 s)...
        await f.Gateway.EventuallyAsync(async () =>
        {
            var (s, e, r) = await GetAsync("/short/before-refresh");
            r.Dispose();
            Assert.Equal((HttpStatusCode.OK, first), (s, e!.Headers["authorization"]));
            return f.CallsFor("https://short.test/") > 1;
        }, "the gateway never asked for a new token", timeoutSeconds: 60);

        // ...and while the endpoint holds that refresh, requests are still served with the first token: the refresh
        // is not on their path.
        (status, echo, response) = await GetAsync("/short/during-refresh");
        response.Dispose();
        Assert.Equal((HttpStatusCode.OK, first), (status, echo!.Headers["authorization"]));

        f.ReleaseRefresh.TrySetResult();
        await f.Gateway.EventuallyAsync(async () =>
        {
            var (s, e, r) = await GetAsync("/short/after-refresh");
            r.Dispose();
            Assert.Equal(HttpStatusCode.OK, s);
            return e!.Headers["authorization"] != first;
        }, "the backend never saw the refreshed token", timeoutSeconds: 60);

        Assert.Equal(2, f.CallsFor("https://short.test/"));
    }

    [Fact]
    public async Task OutputTokenVariableName_TokenInTheVariable_AuthorizationHeaderLeftAlone()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/manual/x");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic client-credentials");
        using var response = await f.Gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await Echo.ReadAsync(response);
        Assert.Equal("Basic client-credentials", echo.Headers["authorization"]);
        Assert.StartsWith("Bearer eyJmi.", echo.Headers["x-msi"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndpointRefuses_500IntoOnError_NeverForwarded()
    {
        using var response = await f.Gateway.Client.GetAsync("/refused/never-forwarded");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("authentication-managed-identity/TokenNotAvailable", Assert.Single(response.Headers.GetValues("X-Error")));
        Assert.DoesNotContain(f.Backend.Paths, p => p.StartsWith("/never-forwarded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EndpointDown_500_NeverForwarded()
    {
        using var response = await f.Gateway.Client.GetAsync("/down/never-reached");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Managed identity token could not be obtained.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(f.Backend.Paths, p => p.StartsWith("/never-reached", StringComparison.Ordinal));
        Assert.Contains(f.Calls, c => c.Resource == ManagedIdentityFixture.Down);
    }

    [Fact]
    public async Task EndpointRefuses_IgnoreError_ForwardedWithoutAToken()
    {
        var (status, echo, response) = await GetAsync("/optional/anyway");
        response.Dispose();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(echo!.Headers.ContainsKey("authorization"));
    }

    [Fact]
    public async Task Tokens_NeverInTheGatewayOutputOrStatus()
    {
        using (var r = await f.Gateway.Client.GetAsync("/storage/for-the-log"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        using (var r = await f.Gateway.Client.GetAsync("/refused/for-the-log"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        }

        await f.Gateway.PrintedAsync("authentication-managed-identity: token for https://storage.test/");
        var status = (await f.Gateway.StatusAsync()).GetRawText();
        var output = f.Gateway.Output;
        Assert.NotEmpty(f.Issued);
        foreach (var token in f.Issued)
        {
            Assert.DoesNotContain(token, output, StringComparison.Ordinal);
            Assert.DoesNotContain(token, status, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(ManagedIdentityFixture.Secret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(ManagedIdentityFixture.Secret, status, StringComparison.Ordinal);
    }
}
