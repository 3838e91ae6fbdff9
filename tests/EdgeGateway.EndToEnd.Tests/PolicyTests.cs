using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

public sealed class PolicyFixture : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();

    /// <summary>Behind the APIs whose calls should reach a backend.</summary>
    public TestBackend Main { get; private set; } = null!;

    /// <summary>Behind the APIs whose calls must never reach one: any hit is a policy bypassed.</summary>
    public TestBackend Untouched { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Main = await TestBackend.StartAsync("main");
        Untouched = await TestBackend.StartAsync("untouched");
        var deadPort = Ports.Free();
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "policies": {
                "outbound": [ { "type": "set-header", "name": "X-Region", "value": "@(context.Deployment.Region)" } ] },
              "products": [
                { "id": "gold", "name": "Gold", "apis": ["orders"],
                  "policies": { "inbound": [ { "type": "base" }, { "type": "set-header", "name": "X-Product", "value": "@(context.Product.Name)" } ] } },
                { "id": "basic", "apis": ["orders"] } ],
              "subscriptions": [
                { "id": "alice", "scope": "products/gold", "primaryKey": "alice-key" },
                { "id": "bob", "scope": "products/basic", "primaryKey": "bob-key" } ],
              "apis": [
                { "id": "orders", "path": "/orders", "backend": { "urls": ["{{Main.Url}}"] },
                  "policies": {
                    "inbound": [ { "type": "base" }, { "type": "set-header", "name": "X-Caller", "value": "@(context.Subscription.Id)" },
                                 { "type": "set-query-parameter", "name": "via", "value": "edge" } ],
                    "outbound": [ { "type": "base" }, { "type": "set-header", "name": "X-Served-By", "value": "@(\"edge/\" + context.Response.StatusCode)" } ] } },
                { "id": "guarded", "path": "/guarded", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}"] },
                  "policies": { "inbound": [ { "type": "check-header", "name": "X-Client", "failedCheckHttpCode": 403,
                                               "failedCheckErrorMessage": "X-Client is required" } ] } },
                { "id": "strict", "path": "/strict", "subscriptionRequired": false, "backend": { "urls": ["{{Untouched.Url}}"] },
                  "policies": {
                    "inbound": [ { "type": "set-variable", "name": "asked", "value": "@(context.Request.Url.Path)" },
                                 { "type": "check-header", "name": "X-Client", "failedCheckHttpCode": 403, "failedCheckErrorMessage": "no client" } ],
                    "onError": [ { "type": "return-response", "statusCode": 401,
                                   "headers": [ { "name": "X-Asked", "value": "@((string)context.Variables[\"asked\"])" } ],
                                   "body": "@(context.LastError.Source + \":\" + context.LastError.Reason + \":\" + context.LastError.Message)" } ] } },
                { "id": "canned", "path": "/canned", "subscriptionRequired": false, "backend": { "urls": ["{{Untouched.Url}}"] },
                  "policies": { "inbound": [ { "type": "return-response", "statusCode": 202,
                                               "headers": [ { "name": "X-Canned", "value": "yes" } ], "body": "{\"canned\":true}" } ] } },
                { "id": "dead", "path": "/dead", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:{{deadPort}}"] },
                  "policies": { "onError": [ { "type": "set-status", "code": 503 },
                                             { "type": "set-header", "name": "X-Error", "value": "@(context.LastError.Source + \"/\" + context.LastError.Reason)" } ] } },
                { "id": "echoing", "path": "/echoing", "subscriptionRequired": false, "backend": { "urls": ["{{Untouched.Url}}"] },
                  "policies": { "inbound": [
                    { "type": "set-header", "name": "X-From-Query", "value": "@(context.Request.Url.Query.GetValueOrDefault(\"q\", \"\"))" },
                    { "type": "set-header", "name": "X-Copy", "value": "@(context.Request.Headers.GetValueOrDefault(\"X-Big\", \"\"))" } ] } } ] }
            """);
        Gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: new Dictionary<string, string> { ["Gateway__Region"] = "eu-test" });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Main.DisposeAsync();
        await Untouched.DisposeAsync();
        folder.Dispose();
    }
}

public sealed class PolicyTests(PolicyFixture f) : IClassFixture<PolicyFixture>
{
    private HttpClient Client => f.Gateway.Client;

    private static HttpRequestMessage Get(string path, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        }

        return request;
    }

    [Fact]
    public async Task SetHeader_InboundExpression_BackendSeesTheSubscriptionId()
    {
        using var response = await Client.SendAsync(Get("/orders/1?x=a%2Fb", "alice-key"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await Echo.ReadAsync(response);
        Assert.Equal("alice", echo.Headers["x-caller"]);
        Assert.Equal("?x=a%2Fb&via=edge", echo.Query);
    }

    [Fact]
    public async Task SetHeader_Outbound_ClientSeesApiAndGlobalHeaders()
    {
        using var response = await Client.SendAsync(Get("/orders/1", "bob-key"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("edge/200", Assert.Single(response.Headers.GetValues("X-Served-By")));
        Assert.Equal("eu-test", Assert.Single(response.Headers.GetValues("X-Region")));
    }

    [Fact]
    public async Task ProductScope_ItsProductsSubscription_RunsThere()
    {
        using var response = await Client.SendAsync(Get("/orders/1", "alice-key"));

        Assert.Equal("Gold", (await Echo.ReadAsync(response)).Headers["x-product"]);
    }

    [Fact]
    public async Task ProductScope_OtherProductsSubscription_DoesNotRun()
    {
        using var response = await Client.SendAsync(Get("/orders/1", "bob-key"));

        var echo = await Echo.ReadAsync(response);
        Assert.Equal("bob", echo.Headers["x-caller"]);
        Assert.False(echo.Headers.ContainsKey("x-product"));
    }

    [Fact]
    public async Task CheckHeader_Missing_ConfiguredCodeAndMessage()
    {
        using var response = await Client.GetAsync("/guarded/secret");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("X-Client is required", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(f.Main.Paths, p => p.StartsWith("/secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckHeader_Present_Forwarded()
    {
        using var request = Get("/guarded/open");
        request.Headers.Add("X-Client", "mobile");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/open", (await Echo.ReadAsync(response)).Path);
    }

    [Fact]
    public async Task ReturnResponse_Inbound_AnswersWithoutCallingTheBackend()
    {
        using var response = await Client.GetAsync("/canned/anything");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("yes", Assert.Single(response.Headers.GetValues("X-Canned")));
        Assert.Equal("{\"canned\":true}", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(f.Untouched.Paths, p => p.StartsWith("/anything", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnError_BackendDown_StatusAndHeaderFromOnErrorOverTheGatewaysAnswer()
    {
        using var response = await Client.GetAsync("/dead/x");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("forward-request/BackendConnectionFailure", Assert.Single(response.Headers.GetValues("X-Error")));
        Assert.Contains("could not be reached", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a%0D%0AX-Injected:%20yes")]
    [InlineData("line%0Abreak")]
    [InlineData("nul%00")]
    public async Task SetHeader_ControlCharactersFromTheQuery_400AndNothingForwarded(string q)
    {
        using var response = await Client.GetAsync($"/echoing/crlf-{q.Length}?q={q}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cannot be sent", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(f.Untouched.Paths, p => p.StartsWith($"/crlf-{q.Length}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetHeader_HugeValue_400AndNothingForwarded()
    {
        using var request = Get("/echoing/huge");
        request.Headers.Add("X-Big", new string('b', 10_000));

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(f.Untouched.Paths, p => p.StartsWith("/huge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetHeader_OrdinaryValues_Forwarded()
    {
        using var request = Get("/echoing/fine?q=plain");
        request.Headers.Add("X-Big", "small");

        using var response = await Client.SendAsync(request);

        var echo = await Echo.ReadAsync(response);
        Assert.Equal(("plain", "small"), (echo.Headers["x-from-query"], echo.Headers["x-copy"]));
    }

    [Fact]
    public async Task OnError_CheckHeaderFailed_ReturnResponseSeesLastErrorAndVariables()
    {
        using var response = await Client.GetAsync("/strict/doc");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("/strict/doc", Assert.Single(response.Headers.GetValues("X-Asked")));
        Assert.Equal("check-header:HeaderNotFound:no client", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(f.Untouched.Paths, p => p.StartsWith("/doc", StringComparison.Ordinal));
    }
}
