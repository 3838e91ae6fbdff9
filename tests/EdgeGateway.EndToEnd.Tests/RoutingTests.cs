using System.Net;
using System.Text;
using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

public sealed class RoutingFixture : IAsyncLifetime
{
    public TestBackend Main { get; private set; } = null!;

    public TestBackend Nested { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    private readonly ConfigFolder folder = new();

    public async Task InitializeAsync()
    {
        Main = await TestBackend.StartAsync("main");
        Nested = await TestBackend.StartAsync("nested");
        var deadPort = Ports.Free();
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 5,
              "apis": [
                { "id": "echo", "path": "/echo", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}/base"] } },
                { "id": "nested", "path": "/echo/v2", "subscriptionRequired": false, "backend": { "urls": ["{{Nested.Url}}"] } },
                { "id": "ops", "path": "ops", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}"] },
                  "operations": [ { "id": "get-item", "method": "GET", "urlTemplate": "/items/{id}" },
                                  { "id": "add-item", "method": "POST", "urlTemplate": "/items" },
                                  { "id": "special", "method": "GET", "urlTemplate": "/items/special/*" },
                                  { "id": "get-record", "method": "GET", "urlTemplate": "/records/{id}.{format}" },
                                  { "id": "cancel-job", "method": "POST", "urlTemplate": "/v1/{name}:cancel",
                                    "policies": { "inbound": [ { "type": "rewrite-uri", "template": "/jobs/{name}/cancel" } ] } } ] },
                { "id": "keyed", "path": "/keyed", "backend": { "urls": ["{{Main.Url}}"] } },
                { "id": "custom", "path": "/custom", "subscriptionKeyParameterNames": { "header": "X-Api-Key", "query": "apikey" },
                  "backend": { "urls": ["{{Main.Url}}"] } },
                { "id": "dead", "path": "/dead", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:{{deadPort}}"] } } ],
              "products": [ { "id": "starter", "apis": ["keyed"] } ],
              "subscriptions": [
                { "id": "alice", "scope": "products/starter", "primaryKey": "alice-key-1", "secondaryKey": "alice-key-2", "state": "active" },
                { "id": "bob", "scope": "apis/keyed", "primaryKey": "bob-key", "state": "suspended" },
                { "id": "carol", "scope": "apis", "primaryKey": "carol-key" },
                { "id": "dave", "scope": "/apis/custom", "primaryKey": "dave-key" } ] }
            """);
        Gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Main.DisposeAsync();
        await Nested.DisposeAsync();
        folder.Dispose();
    }
}

public sealed class RoutingTests(RoutingFixture f) : IClassFixture<RoutingFixture>
{
    private HttpClient Client => f.Gateway.Client;

    [Fact]
    public async Task Get_PathUnderPrefix_BackendSeesRestAppendedToItsPath()
    {
        using var response = await Client.GetAsync("/echo/a/b?x=1&y=two");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await Echo.ReadAsync(response);
        Assert.Equal("main", echo.Backend);
        Assert.Equal("/base/a/b", echo.Path);
        Assert.Equal("?x=1&y=two", echo.Query);
    }

    [Fact]
    public async Task Get_PrefixItself_ReachesBackendRoot()
    {
        using var response = await Client.GetAsync("/ECHO");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/base", (await Echo.ReadAsync(response)).Path);
    }

    [Fact]
    public async Task Get_NestedPrefix_LongestPrefixWins()
    {
        using var response = await Client.GetAsync("/echo/v2/z");

        var echo = await Echo.ReadAsync(response);
        Assert.Equal("nested", echo.Backend);
        Assert.Equal("/z", echo.Path);
    }

    [Theory]
    [InlineData("/echoes")]
    [InlineData("/nothing/here")]
    [InlineData("/")]
    public async Task Get_NoApiForPath_404JsonError(string path)
    {
        using var response = await Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, body.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Contains("no API", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operations_MatchingMethodAndTemplate_Pass()
    {
        using var get = await Client.GetAsync("/ops/items/42");
        using var post = await Client.PostAsync("/ops/items", new StringContent("{\"name\":\"x\"}", Encoding.UTF8, "application/json"));
        using var wildcard = await Client.GetAsync("/ops/items/special/a/b");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("/items/42", (await Echo.ReadAsync(get)).Path);
        Assert.Equal("{\"name\":\"x\"}", (await Echo.ReadAsync(post)).Body);
        Assert.Equal("/items/special/a/b", (await Echo.ReadAsync(wildcard)).Path);
    }

    [Fact]
    public async Task Operations_ComplexSegments_RequestReachesTheBackendThroughTheOperation()
    {
        using var record = await Client.GetAsync("/ops/records/42.json");
        using var cancel = await Client.PostAsync("/ops/v1/job-1:cancel", new StringContent(""));

        Assert.Equal(HttpStatusCode.OK, record.StatusCode);
        Assert.Equal("/records/42.json", (await Echo.ReadAsync(record)).Path);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("/jobs/job-1/cancel", (await Echo.ReadAsync(cancel)).Path); // {name} of "{name}:cancel", via rewrite-uri
    }

    [Theory]
    [InlineData("DELETE", "/ops/items/42")]
    [InlineData("GET", "/ops/items")]
    [InlineData("GET", "/ops/other")]
    [InlineData("PUT", "/ops/items")]
    [InlineData("GET", "/ops/records/42")]
    [InlineData("POST", "/ops/v1/job-1")]
    public async Task Operations_MethodOrPathMismatch_404(string method, string path)
    {
        var hitsBefore = f.Main.Paths.Count(p => p.StartsWith(path[4..], StringComparison.Ordinal));
        using var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no operation", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(hitsBefore, f.Main.Paths.Count(p => p.StartsWith(path[4..], StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Forwarding_AddsXForwardedHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/h");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "spoofed");
        using var response = await Client.SendAsync(request);

        var headers = (await Echo.ReadAsync(response)).Headers;
        Assert.Equal("203.0.113.7, 127.0.0.1", headers["x-forwarded-for"]);
        Assert.Equal("http", headers["x-forwarded-proto"]);
        Assert.Equal($"127.0.0.1:{f.Gateway.Port}", headers["x-forwarded-host"]);
        Assert.Equal("/echo", headers["x-forwarded-prefix"]);
    }

    [Fact]
    public async Task Forwarding_LargeBody_StreamsIntact()
    {
        var payload = new string('x', 3 * 1024 * 1024);
        using var response = await Client.PostAsync("/echo/upload", new StringContent(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(payload.Length, (await Echo.ReadAsync(response)).Body.Length);
    }

    [Fact]
    public async Task Subscription_MissingKey_401WithApimMessage()
    {
        using var response = await Client.GetAsync("/keyed/x");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("missing subscription key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData("bob-key")] // suspended
    [InlineData("dave-key")] // another API's subscription
    [InlineData("ALICE-KEY-1")] // keys are case-sensitive
    public async Task Subscription_InvalidInactiveOrOutOfScope_401(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/keyed/x");
        request.Headers.TryAddWithoutValidation("Ocp-Apim-Subscription-Key", key);
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid subscription key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alice-key-1")] // product scope, primary
    [InlineData("alice-key-2")] // secondary
    [InlineData("carol-key")] // all APIs
    public async Task Subscription_ValidKeyInHeader_PassesAndKeyNeverReachesBackend(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/keyed/x");
        request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("ocp-apim-subscription-key", (await Echo.ReadAsync(response)).Headers.Keys);
    }

    [Fact]
    public async Task Subscription_ValidKeyInQuery_PassesAndIsRemovedFromQuery()
    {
        using var response = await Client.GetAsync("/keyed/x?a=1&subscription-key=carol-key&b=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("?a=1&b=2", (await Echo.ReadAsync(response)).Query);
    }

    [Fact]
    public async Task Subscription_KeyInQuery_OnlyItsPairsRemoved_RestOfQueryUntouched()
    {
        using var response = await Client.GetAsync("/keyed/x?a=1&subscription%2Dkey=carol-key&b=x+y%2Bz&a=3&flag");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("?a=1&b=x+y%2Bz&a=3&flag", (await Echo.ReadAsync(response)).Query);
    }

    [Fact]
    public async Task Subscription_KeyInHeaderAndQuery_NeitherReachesBackend()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/keyed/x?subscription-key=leak&b=2");
        request.Headers.Add("Ocp-Apim-Subscription-Key", "carol-key");
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await Echo.ReadAsync(response);
        Assert.Equal("?b=2", echo.Query);
        Assert.DoesNotContain("ocp-apim-subscription-key", echo.Headers.Keys);
    }

    [Fact]
    public async Task Forwarding_BackendSeesItsOwnHostName()
    {
        using var response = await Client.GetAsync("/echo/host");

        Assert.Equal($"127.0.0.1:{f.Main.Port}", (await Echo.ReadAsync(response)).Headers["host"]);
    }

    [Fact]
    public async Task Subscription_CustomParameterNames_AreUsed()
    {
        using var viaDefault = new HttpRequestMessage(HttpMethod.Get, "/custom/x");
        viaDefault.Headers.Add("Ocp-Apim-Subscription-Key", "dave-key");
        using var defaultResponse = await Client.SendAsync(viaDefault);
        using var viaHeader = new HttpRequestMessage(HttpMethod.Get, "/custom/x");
        viaHeader.Headers.Add("X-Api-Key", "dave-key");
        using var headerResponse = await Client.SendAsync(viaHeader);
        using var queryResponse = await Client.GetAsync("/custom/x?apikey=dave-key");

        Assert.Equal(HttpStatusCode.Unauthorized, defaultResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, headerResponse.StatusCode);
        Assert.DoesNotContain("x-api-key", (await Echo.ReadAsync(headerResponse)).Headers.Keys);
        Assert.Equal(HttpStatusCode.OK, queryResponse.StatusCode);
    }

    [Fact]
    public async Task Backend_Unreachable_502Json()
    {
        using var response = await Client.GetAsync("/dead/x");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("\"statusCode\":502", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_LiveReadyAndApimStatus_PublicStatusIsEmpty_FullStatusOnAdminListener()
    {
        using var live = await Client.GetAsync("/healthz/live");
        using var ready = await Client.GetAsync("/healthz/ready");
        using var status = await Client.GetAsync("/status-0123456789abcdef");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Empty(await status.Content.ReadAsByteArrayAsync()); // no file paths, URLs or errors for anyone who can reach the gateway

        var admin = f.Gateway.Admin;
        using var full = await admin.GetAsync("/status-0123456789abcdef");
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        using var body = JsonDocument.Parse(await full.Content.ReadAsStringAsync());
        Assert.Equal("ready", body.RootElement.GetProperty("state").GetString());
        Assert.Equal(5, body.RootElement.GetProperty("revision").GetInt64());
        Assert.Equal(6, body.RootElement.GetProperty("apis").GetInt32());
        Assert.StartsWith("file:", body.RootElement.GetProperty("configSource").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/healthz/ready")).StatusCode);

        // The admin listener never proxies: an API path answers 404 there, not the backend.
        using var api = await admin.GetAsync("/echo/x");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.DoesNotContain("\"path\"", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
