using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>A gateway serving choose and mock-response from a standalone file, in front of real Kestrel backends.</summary>
public sealed class ChooseMockFixture : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();

    /// <summary>Behind the API whose calls may reach a backend.</summary>
    public TestBackend Main { get; private set; } = null!;

    /// <summary>Behind the APIs whose calls a mock or a nested answer must keep from any backend.</summary>
    public TestBackend Untouched { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    public ConfigFolder Folder => folder;

    public async Task InitializeAsync()
    {
        Main = await TestBackend.StartAsync("main");
        Untouched = await TestBackend.StartAsync("untouched");
        folder.Write($$$"""
            { "schemaVersion": 1, "revision": 1,
              "products": [ { "id": "gold", "name": "Gold", "apis": ["routed"] } ],
              "subscriptions": [ { "id": "alice", "scope": "products/gold", "primaryKey": "alice-key" },
                                 { "id": "bob", "scope": "products/gold", "primaryKey": "bob-key" } ],
              "namedValues": [ { "id": "gold-tier", "value": "gold", "secret": true } ],
              "apis": [
                { "id": "routed", "path": "/routed", "backend": { "urls": ["{{{Main.Url}}}"] },
                  "policies": {
                    "inbound": [
                      { "type": "set-variable", "name": "mode", "value": "@(context.Request.Headers.GetValueOrDefault(\"X-Mode\", \"\"))" },
                      { "type": "choose",
                        "when": [
                          { "condition": "@(context.Variables[\"mode\"] == \"teapot\")",
                            "policies": [ { "type": "return-response", "statusCode": 418, "body": "nested answer" } ] },
                          { "condition": "@(context.Variables[\"mode\"] == \"strict\")",
                            "policies": [ { "type": "check-header", "name": "X-Client", "failedCheckHttpCode": 403, "failedCheckErrorMessage": "X-Client required in strict mode" } ] },
                          { "condition": "@(context.Subscription.Id == \"alice\")",
                            "policies": [ { "type": "set-header", "name": "X-Tier", "value": "{{gold-tier}}" } ] } ],
                        "otherwise": [ { "type": "set-header", "name": "X-Tier", "value": "basic" } ] } ],
                    "outbound": [
                      { "type": "choose", "when": [ { "condition": "@(context.Response.StatusCode == 200)",
                        "policies": [ { "type": "set-header", "name": "X-Outcome", "value": "@(\"ok/\" + context.Request.Headers.GetValueOrDefault(\"X-Mode\", \"none\"))" } ] } ] } ],
                    "onError": [
                      { "type": "choose", "when": [ { "condition": "@(context.LastError.Source == \"check-header\")",
                        "policies": [ { "type": "return-response", "statusCode": 401, "body": "@(\"onError:\" + context.LastError.Reason + \":\" + context.LastError.Message)" } ] } ] } ] } },
                { "id": "mocked", "path": "/mocked", "subscriptionRequired": false, "backend": { "urls": ["{{{Untouched.Url}}}"] },
                  "policies": { "inbound": [ { "type": "mock-response" } ] },
                  "operations": [
                    { "id": "get-pet", "method": "GET", "urlTemplate": "/pets/{id}",
                      "examples": [ { "statusCode": 200, "contentType": "application/json", "body": "{\"id\":7,\"name\":\"Rex\"}" },
                                    { "statusCode": 404, "contentType": "application/problem+json", "body": "{\"title\":\"no pet\"}" } ] },
                    { "id": "missing", "method": "GET", "urlTemplate": "/missing",
                      "policies": { "inbound": [ { "type": "mock-response", "statusCode": 404, "contentType": "text/plain" } ] } },
                    { "id": "list", "method": "GET", "urlTemplate": "/pets" } ] },
                { "id": "replaced", "path": "/replaced", "subscriptionRequired": false, "backend": { "urls": ["{{{Main.Url}}}"] },
                  "policies": { "outbound": [ { "type": "mock-response", "statusCode": 404 } ] },
                  "operations": [ { "id": "any", "method": "*", "urlTemplate": "/*",
                    "examples": [ { "statusCode": 404, "contentType": "application/json", "body": "{\"replaced\":true}" } ] } ] } ] }
            """);
        Gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Main.DisposeAsync();
        await Untouched.DisposeAsync();
        folder.Dispose();
    }
}

public sealed class ChooseMockTests(ChooseMockFixture f) : IClassFixture<ChooseMockFixture>
{
    private HttpClient Client => f.Gateway.Client;

    private static HttpRequestMessage Get(string path, string key, string? mode = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        if (mode is not null)
        {
            request.Headers.Add("X-Mode", mode);
        }

        return request;
    }

    [Theory]
    [InlineData("alice-key", "gold")]
    [InlineData("bob-key", "basic")]
    public async Task Choose_SubscriptionCondition_BackendSeesTheBranchsHeader(string key, string tier)
    {
        using var response = await Client.SendAsync(Get("/routed/items", key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(tier, (await Echo.ReadAsync(response)).Headers["x-tier"]);
        Assert.Equal("ok/none", Assert.Single(response.Headers.GetValues("X-Outcome")));
    }

    [Fact]
    public async Task Choose_NestedReturnResponse_AnswersWithoutTheBackend()
    {
        using var response = await Client.SendAsync(Get("/routed/teapot-only", "alice-key", "teapot"));

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("nested answer", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(f.Main.Paths, p => p.StartsWith("/teapot-only", StringComparison.Ordinal));
        Assert.False(response.Headers.Contains("X-Outcome"));
    }

    [Fact]
    public async Task Choose_NestedCheckHeaderFails_OnErrorChooseAnswersWithLastError()
    {
        using var response = await Client.SendAsync(Get("/routed/strict-only", "alice-key", "strict"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("onError:HeaderNotFound:X-Client required in strict mode", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(f.Main.Paths, p => p.StartsWith("/strict-only", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Choose_NestedCheckHeaderPasses_Forwarded()
    {
        using var request = Get("/routed/strict-ok", "bob-key", "strict");
        request.Headers.Add("X-Client", "cli");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/strict-ok", (await Echo.ReadAsync(response)).Path);
        Assert.Equal("ok/strict", Assert.Single(response.Headers.GetValues("X-Outcome")));
    }

    [Fact]
    public async Task MockResponse_ApiScope_TheOperationsExampleWithoutTheBackend()
    {
        using var response = await Client.GetAsync("/mocked/pets/7");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("""{"id":7,"name":"Rex"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, f.Untouched.Hits);
    }

    [Fact]
    public async Task MockResponse_NoMatchingExample_StatusWithAnEmptyBody()
    {
        using var missing = await Client.GetAsync("/mocked/missing");
        using var list = await Client.GetAsync("/mocked/pets");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("text/plain", missing.Content.Headers.ContentType?.ToString());
        Assert.Equal("", await missing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal("", await list.Content.ReadAsStringAsync());
        Assert.Equal(0, f.Untouched.Hits);
    }

    [Fact]
    public async Task MockResponse_Outbound_ReplacesTheBackendsResponse()
    {
        using var response = await Client.GetAsync("/replaced/thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"replaced":true}""", await response.Content.ReadAsStringAsync());
        Assert.Contains(f.Main.Paths, p => p.StartsWith("/thing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_ConditionOutsideTheSubset_Exit1NamingTheNestedPath()
    {
        var config = f.Folder.File_("bad-choose.json");
        await File.WriteAllTextAsync(config, """
            { "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
              "policies": { "inbound": [ { "type": "choose", "when": [ { "condition": "@(context.Request.Body.As<string>() == \"x\")",
                "policies": [ { "type": "base" } ] } ] } ] } } ] }
            """);

        var (code, _, stderr) = await GatewayCommand.RunAsync("validate", config);

        Assert.Equal(1, code);
        Assert.Contains("apis[0].policies.inbound[0].when[0].condition: ", stderr, StringComparison.Ordinal);
        Assert.Contains("apis[0].policies.inbound[0].when[0].policies[0].type: 'base' is not allowed inside choose", stderr, StringComparison.Ordinal);
    }
}
