using System.Net;
using System.Text;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>The transformation policies through the AOT gateway, against real Kestrel backends that echo what arrived.</summary>
public sealed class TransformPolicyFixture : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();

    /// <summary>Behind every API at base path /base: a path outside /base/... would be a rewrite escaping it.</summary>
    public TestBackend Main { get; private set; } = null!;

    /// <summary>Where set-backend-service sends requests.</summary>
    public TestBackend Other { get; private set; } = null!;

    /// <summary>Behind the APIs whose calls must go elsewhere: any hit is an override ignored.</summary>
    public TestBackend Untouched { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Main = await TestBackend.StartAsync("main");
        Other = await TestBackend.StartAsync("other");
        Untouched = await TestBackend.StartAsync("untouched");
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "apis": [
                { "id": "files", "path": "/files", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}/base"] },
                  "operations": [
                    { "id": "item", "method": "GET", "urlTemplate": "/items/{id}",
                      "policies": { "inbound": [ { "type": "rewrite-uri", "template": "/v2/items/{id}/details?view=full" } ] } },
                    { "id": "search", "method": "GET", "urlTemplate": "/search?q={term}",
                      "policies": { "inbound": [ { "type": "rewrite-uri", "template": "/find/{term}", "copyUnmatchedParams": false } ] } },
                    { "id": "named", "method": "GET", "urlTemplate": "/named",
                      "policies": { "inbound": [ { "type": "rewrite-uri",
                        "template": "@(\"/named/\" + context.Request.Headers.GetValueOrDefault(\"X-Name\", \"none\"))" } ] } } ] },
                { "id": "moved", "path": "/moved", "subscriptionRequired": false, "backend": { "urls": ["{{Untouched.Url}}"] },
                  "policies": { "inbound": [ { "type": "set-backend-service", "baseUrl": "{{Other.Url}}/moved-base/" } ] } },
                { "id": "routed", "path": "/routed", "subscriptionRequired": false, "backend": { "urls": ["{{Untouched.Url}}"] },
                  "policies": { "inbound": [ { "type": "set-backend-service",
                    "baseUrl": "@(context.Request.Headers.GetValueOrDefault(\"X-Target\", \"\"))" } ] } },
                { "id": "method", "path": "/method", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}/base"] },
                  "policies": { "inbound": [ { "type": "set-method", "method": "PATCH" },
                                             { "type": "set-header", "name": "X-Method-Seen", "value": "@(context.Request.Method)" } ] } },
                { "id": "bodies", "path": "/bodies", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}/base"] },
                  "policies": {
                    "inbound": [ { "type": "set-body", "value": "@(\"{\\\"caller\\\":\\\"\" + context.Request.Headers.GetValueOrDefault(\"X-Caller\", \"nobody\") + \"\\\"}\")" } ] } },
                { "id": "outbody", "path": "/outbody", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}/base"] },
                  "policies": { "outbound": [ { "type": "set-body", "value": "answered by the gateway" } ] } },
                { "id": "replace", "path": "/replace", "subscriptionRequired": false, "backend": { "urls": ["{{Main.Url}}/base"] },
                  "policies": {
                    "inbound": [ { "type": "find-and-replace", "from": "internal-host", "to": "public-host" } ],
                    "outbound": [ { "type": "find-and-replace", "from": "\"backend\":\"main\"", "to": "\"backend\":\"hidden\"" } ] } } ] }
            """);
        Gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Main.DisposeAsync();
        await Other.DisposeAsync();
        await Untouched.DisposeAsync();
        folder.Dispose();
    }
}

public sealed class TransformPolicyTests(TransformPolicyFixture f) : IClassFixture<TransformPolicyFixture>
{
    private HttpClient Client => f.Gateway.Client;

    private Task<RawResponse> RawGetAsync(string target, string headers = "") =>
        RawHttp.SendAsync(f.Gateway.Port, $"GET {target} HTTP/1.1\r\nHost: gw.example\r\n{headers}Connection: close\r\n\r\n");

    private static Echo Parse(RawResponse response) =>
        System.Text.Json.JsonSerializer.Deserialize<Echo>(response.Body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;

    [Fact]
    public async Task RewriteUri_PathParameter_BackendGetsTheTemplateUnderItsBasePath()
    {
        var response = await RawGetAsync("/files/items/42?x=1&y=%41");

        Assert.Equal(200, response.Status);
        Assert.Equal("/base/v2/items/42/details?view=full&x=1&y=%41", Parse(response).RawTarget);
    }

    [Fact]
    public async Task RewriteUri_EncodedSlashInAParameter_ReachesTheBackendAsWritten()
    {
        var response = await RawGetAsync("/files/items/@scope%2Fpkg");

        Assert.Equal(200, response.Status);
        Assert.Equal("/base/v2/items/@scope%2Fpkg/details?view=full", Parse(response).RawTarget);
    }

    [Theory]
    [InlineData("/files/items/..%2F..%2F..%2Fadmin")]
    [InlineData("/files/items/%2e%2e%2fadmin")]
    [InlineData("/files/items/..%5C..%5Cadmin")]
    [InlineData("/files/items/a%0D%0AX-Injected:%20yes")]
    public async Task RewriteUri_ParameterThatWouldLeaveTheTemplate_400AndNothingForwarded(string target)
    {
        var response = await RawGetAsync(target);

        Assert.Equal(400, response.Status);
        Assert.Contains("rewrite-uri template allows", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(f.Main.Paths, p => p.Contains("admin", StringComparison.Ordinal) || p.Contains("Injected", StringComparison.Ordinal));
        Assert.All(f.Main.Paths, p => Assert.StartsWith("/base/", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RewriteUri_DotSegmentsInTheRequest_TheSegmentRoutingMatchedIsUsed()
    {
        var response = await RawGetAsync("/files/items/decoy/../7");

        Assert.Equal(200, response.Status);
        Assert.Equal("/base/v2/items/7/details?view=full", Parse(response).RawTarget);
    }

    [Fact]
    public async Task RewriteUri_QueryParameterOfTheOperation_EncodedIntoThePathAndUnmatchedDropped()
    {
        using var response = await Client.GetAsync("/files/search?q=a%20b%2Fc&page=2");

        var echo = await Echo.ReadAsync(response);
        Assert.Equal("/base/find/a%20b%2Fc", echo.RawTarget);
    }

    [Theory]
    [InlineData("report", 200)]
    [InlineData("../../etc", 400)]
    [InlineData("ok/%2e%2e/..", 400)]
    public async Task RewriteUri_ExpressionTemplate_ResultCheckedPerRequest(string name, int status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/files/named");
        request.Headers.Add("X-Name", name);

        using var response = await Client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        if (status == 200)
        {
            Assert.Equal("/base/named/report", (await Echo.ReadAsync(response)).RawTarget);
        }

        Assert.DoesNotContain(f.Main.Paths, p => p.Contains("etc", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetBackendService_Literal_ThisApiGoesToTheOtherBackendUnderItsPath()
    {
        using var response = await Client.GetAsync("/moved/orders/1?x=1");

        var echo = await Echo.ReadAsync(response);
        Assert.Equal(("other", "/moved-base/orders/1?x=1"), (echo.Backend, echo.RawTarget));
        Assert.DoesNotContain(f.Untouched.Paths, p => p.Contains("orders", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetBackendService_ExpressionWithAValidUrl_Forwarded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/routed/dynamic");
        request.Headers.Add("X-Target", f.Other.Url);

        using var response = await Client.SendAsync(request);

        var echo = await Echo.ReadAsync(response);
        Assert.Equal(("other", "/dynamic"), (echo.Backend, echo.Path));
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("not a url")]
    [InlineData("")]
    public async Task SetBackendService_ExpressionWithAnInvalidUrl_400AndNothingForwarded(string target)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/routed/refused");
        request.Headers.TryAddWithoutValidation("X-Target", target);

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not an absolute http(s) URL", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(f.Untouched.Paths, p => p.Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetMethod_Inbound_BackendAndLaterPoliciesSeeTheNewMethod()
    {
        using var response = await Client.GetAsync("/method/x");

        var echo = await Echo.ReadAsync(response);
        Assert.Equal(("PATCH", "PATCH"), (echo.Method, echo.Headers["x-method-seen"]));
    }

    [Fact]
    public async Task SetBody_InboundOnAGetWithoutBody_BackendGetsTheBodyWithItsLength()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/bodies/x");
        request.Headers.Add("X-Caller", "alice");

        using var response = await Client.SendAsync(request);

        var echo = await Echo.ReadAsync(response);
        Assert.Equal("{\"caller\":\"alice\"}", echo.Body);
        Assert.Equal("18", echo.Headers["content-length"]);
    }

    [Fact]
    public async Task SetBody_Outbound_ClientGetsTheNewBodyWithItsLength()
    {
        using var response = await Client.GetAsync("/outbody/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("answered by the gateway", await response.Content.ReadAsStringAsync());
        Assert.Equal(23, response.Content.Headers.ContentLength);
        Assert.Contains(f.Main.Paths, p => p == "/base/x");
    }

    [Fact]
    public async Task FindAndReplace_ChunkedRequestAndJsonResponse_BothReplacedWithTheirLengths()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/replace/echo")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"host\":\"internal-host\",\"again\":\"internal-host\"}"))),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var echo = System.Text.Json.JsonSerializer.Deserialize<Echo>(text, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        Assert.Equal("{\"host\":\"public-host\",\"again\":\"public-host\"}", echo.Body);
        Assert.Equal("44", echo.Headers["content-length"]);
        Assert.False(echo.Headers.ContainsKey("transfer-encoding"));
        Assert.Equal("hidden", echo.Backend); // outbound find-and-replace on the backend's JSON
    }

    [Fact]
    public async Task FindAndReplace_BinaryRequestBody_PassesUnchanged()
    {
        var bytes = new byte[] { 0x69, 0x6E, 0x74, 0xFF, 0x00, 0x01 };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/replace/binary") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/octet-stream");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("6", (await Echo.ReadAsync(response)).Headers["content-length"]);
    }
}
