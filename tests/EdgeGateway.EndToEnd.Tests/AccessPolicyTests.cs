using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// Two gateways on one config: <see cref="Direct"/> trusts no proxy (the socket is the client), <see cref="BehindProxy"/>
/// trusts 127.0.0.1 (where the test client connects from), so X-Forwarded-For plays the proxy in front of it.
/// </summary>
public sealed class AccessPolicyFixture : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();

    /// <summary>Every API's backend: a refusal shows as the request's marker path never reaching it.</summary>
    public TestBackend Backend { get; private set; } = null!;

    public GatewayProcess Direct { get; private set; } = null!;

    public GatewayProcess BehindProxy { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await TestBackend.StartAsync("access");
        var url = Backend.Url;
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "products": [ { "id": "web", "apis": ["cors"] } ],
              "subscriptions": [ { "id": "spa", "scope": "products/web", "primaryKey": "spa-key" } ],
              "apis": [
                { "id": "loopback", "path": "/loopback", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": { "inbound": [ { "type": "ip-filter", "action": "allow", "addresses": ["127.0.0.0/8"] } ] } },
                { "id": "partners", "path": "/partners", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": {
                    "inbound": [ { "type": "ip-filter", "action": "allow", "addresses": ["203.0.113.0/24"] },
                                 { "type": "set-header", "name": "X-Client", "value": "@(context.Request.IpAddress)" } ],
                    "onError": [ { "type": "set-header", "name": "X-Error", "value": "@(context.LastError.Source + \"/\" + context.LastError.Reason)" } ] } },
                { "id": "banned", "path": "/banned", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": { "inbound": [ { "type": "ip-filter", "action": "forbid",
                                               "addressRanges": [ { "from": "127.0.0.1", "to": "127.0.0.1" }, { "from": "2001:db8::10", "to": "2001:db8::20" } ] } ] } },
                { "id": "v6", "path": "/v6", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": { "inbound": [ { "type": "ip-filter", "action": "allow", "addresses": ["2001:db8::/32"] } ] } },
                { "id": "cors", "path": "/cors", "backend": { "urls": ["{{url}}"] },
                  "policies": { "inbound": [ { "type": "cors", "allowCredentials": true, "allowedOrigins": ["https://app.example.com"],
                                               "allowedMethods": ["GET", "PUT"], "allowedHeaders": ["Content-Type"],
                                               "exposeHeaders": ["X-Total"], "preflightResultMaxAge": 600 } ] },
                  "operations": [ { "id": "get-item", "method": "GET", "urlTemplate": "/items/{id}" },
                                  { "id": "put-item", "method": "PUT", "urlTemplate": "/items/{id}" } ] },
                { "id": "public", "path": "/public", "subscriptionRequired": false, "backend": { "urls": ["{{url}}"] },
                  "policies": { "inbound": [ { "type": "cors", "allowedOrigins": ["*"], "allowedMethods": ["*"] } ] } } ] }
            """);
        Direct = await GatewayProcess.StartAsync(folder.ConfigFile);
        BehindProxy = await GatewayProcess.StartAsync(folder.ConfigFile, env: new Dictionary<string, string> { ["Gateway__TrustedProxies__0"] = "127.0.0.1/32" });
    }

    public bool Reached(string marker) => Backend.Paths.Any(p => p.Contains(marker, StringComparison.Ordinal));

    public async Task DisposeAsync()
    {
        await Direct.DisposeAsync();
        await BehindProxy.DisposeAsync();
        await Backend.DisposeAsync();
        folder.Dispose();
    }
}

public sealed class AccessPolicyTests(AccessPolicyFixture f) : IClassFixture<AccessPolicyFixture>
{
    private static HttpRequestMessage Get(string path, string? forwardedFor = null, string? origin = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (key is not null)
        {
            request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        }

        return request;
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method, string? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null)
        {
            request.Headers.Add("Access-Control-Request-Headers", headers);
        }

        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

    [Fact]
    public async Task IpFilter_AllowedCidr_Passes()
    {
        using var response = await f.Direct.Client.SendAsync(Get("/loopback/allowed-cidr"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(f.Reached("allowed-cidr"));
    }

    [Fact]
    public async Task IpFilter_NotAllowed_403WithApimMessageAndOnErrorSeesLastError()
    {
        using var response = await f.Direct.Client.SendAsync(Get("/partners/not-allowed"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Caller IP address 127.0.0.1 is not allowed. Access denied.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("ip-filter/CallerIpNotAllowed", Header(response, "X-Error"));
        Assert.False(f.Reached("not-allowed"));
    }

    [Fact]
    public async Task IpFilter_ForbiddenRange_403AndBackendNotReached()
    {
        using var response = await f.Direct.Client.SendAsync(Get("/banned/forbidden-range"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(f.Reached("forbidden-range"));
    }

    [Fact]
    public async Task IpFilter_SpoofedForwardedForFromUntrustedPeer_Ignored()
    {
        using var response = await f.Direct.Client.SendAsync(Get("/partners/spoof-untrusted", forwardedFor: "203.0.113.7"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(f.Reached("spoof-untrusted"));
    }

    [Fact]
    public async Task IpFilter_ForwardedForFromTrustedPeer_HonouredAndSeenByExpressions()
    {
        using var response = await f.BehindProxy.Client.SendAsync(Get("/partners/via-proxy", forwardedFor: "203.0.113.7"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("203.0.113.7", (await Echo.ReadAsync(response)).Headers["x-client"]);
    }

    [Fact]
    public async Task IpFilter_TrustedPeerButSpoofLeftOfAnUntrustedHop_TheUntrustedHopIsTheClient()
    {
        // The real client (198.51.100.1) put 203.0.113.7 in front; the trusted proxy appended what it saw.
        using var response = await f.BehindProxy.Client.SendAsync(Get("/partners/spoof-chain", forwardedFor: "203.0.113.7, 198.51.100.1"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("198.51.100.1", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(f.Reached("spoof-chain"));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("203.0.113.7, 127.1")]
    [InlineData("203.0.113.7,,")]
    public async Task IpFilter_MalformedForwardedForFromTrustedPeer_PeerIsTheClientNever500(string header)
    {
        using var response = await f.BehindProxy.Client.SendAsync(Get("/partners/malformed", forwardedFor: header));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Caller IP address 127.0.0.1 is not allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v6/in-cidr", "2001:db8:42::7", HttpStatusCode.OK)]
    [InlineData("/v6/out-of-cidr", "2001:db9::7", HttpStatusCode.Forbidden)]
    [InlineData("/banned/in-v6-range", "2001:db8::15", HttpStatusCode.Forbidden)]
    [InlineData("/banned/out-of-v6-range", "[2001:db8::21]:4711", HttpStatusCode.OK)]
    public async Task IpFilter_IPv6ClientsThroughTheProxy_CidrsAndRanges(string path, string client, HttpStatusCode expected)
    {
        using var response = await f.BehindProxy.Client.SendAsync(Get(path, forwardedFor: client));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK, f.Reached(path.Split('/')[2]));
    }

    [Fact]
    public async Task Cors_PreflightWithoutKey_AnsweredAtTheGatewayWithAllowHeaders()
    {
        using var response = await f.Direct.Client.SendAsync(Preflight("/cors/items/preflight-ok", "https://app.example.com", "PUT", "content-type"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://app.example.com", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Equal("PUT", Header(response, "Access-Control-Allow-Methods"));
        Assert.Equal("content-type", Header(response, "Access-Control-Allow-Headers"));
        Assert.Equal("600", Header(response, "Access-Control-Max-Age"));
        Assert.Contains("Origin", Header(response, "Vary"), StringComparison.Ordinal);
        Assert.False(f.Reached("preflight-ok"));
    }

    [Theory]
    [InlineData("https://evil.example.com", "PUT", null)]
    [InlineData("https://app.example.com", "PUT", "x-secret")]
    public async Task Cors_PreflightNotAllowed_EmptyOkWithoutAllowHeaders(string origin, string method, string? headers)
    {
        using var response = await f.Direct.Client.SendAsync(Preflight("/cors/items/preflight-denied", origin, method, headers));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.False(f.Reached("preflight-denied"));
    }

    [Fact]
    public async Task Cors_PreflightForAMethodNoOperationHas_NotAnsweredAsCors()
    {
        using var response = await f.Direct.Client.SendAsync(Preflight("/cors/items/no-delete", "https://app.example.com", "DELETE"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Cors_ActualRequestWithCredentials_GetsAllowOriginCredentialsAndExposeHeaders()
    {
        using var response = await f.Direct.Client.SendAsync(Get("/cors/items/actual", origin: "https://app.example.com", key: "spa-key"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://app.example.com", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Equal("X-Total", Header(response, "Access-Control-Expose-Headers"));
        Assert.Contains("Origin", Header(response, "Vary"), StringComparison.Ordinal);
        Assert.True(f.Reached("actual"));
    }

    [Fact]
    public async Task Cors_ActualRequestFromUnlistedOrigin_GetTerminatedEmptyBackendNotReached()
    {
        using var response = await f.Direct.Client.SendAsync(Get("/cors/items/unlisted", origin: "https://evil.example.com", key: "spa-key"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.False(f.Reached("unlisted"));
    }

    [Fact]
    public async Task Cors_ActualRequestWithoutKey_StillNeedsTheKey()
    {
        using var response = await f.Direct.Client.SendAsync(Get("/cors/items/no-key", origin: "https://app.example.com"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(f.Reached("no-key"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    public async Task Cors_RefusedKeyFromAnAllowedOrigin_401CarriesAllowOriginSoThePageCanReadIt(string? key)
    {
        using var allowed = await f.Direct.Client.SendAsync(Get("/cors/items/refused-key", origin: "https://app.example.com", key: key));
        using var unlisted = await f.Direct.Client.SendAsync(Get("/cors/items/refused-key", origin: "https://evil.example.com", key: key));

        Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        Assert.Equal("https://app.example.com", Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(allowed, "Access-Control-Allow-Credentials"));
        Assert.Contains("Origin", Header(allowed, "Vary"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, unlisted.StatusCode);
        Assert.Null(Header(unlisted, "Access-Control-Allow-Origin"));
        Assert.False(f.Reached("refused-key"));
    }

    [Fact]
    public async Task Cors_AnyOrigin_WildcardWithoutVary()
    {
        using var response = await f.Direct.Client.SendAsync(Get("/public/any", origin: "https://whoever.example.org"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }
}

/// <summary>What the gateway refuses at start: a bad Gateway:TrustedProxies entry, a bad ip-filter or cors in the config.</summary>
public sealed class AccessPolicyStartupTests : IDisposable
{
    private readonly ConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Start_BadTrustedProxy_ExitsNamingTheSetting()
    {
        folder.Write("""{ "schemaVersion": 1, "apis": [] }""");
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, env: new Dictionary<string, string> { ["Gateway__TrustedProxies__0"] = "10.0.0.1/8" });

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Gateway:TrustedProxies:0: '10.0.0.1/8' has address bits set after the /8 prefix", gateway.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "type": "ip-filter", "action": "allow", "addresses": ["10.0.0.0/33"] }""", "apis[0].policies.inbound[0].addresses[0]: '10.0.0.0/33' has a prefix outside /0-/32")]
    [InlineData("""{ "type": "cors", "allowCredentials": true, "allowedOrigins": ["*"] }""", "apis[0].policies.inbound[0].allowCredentials: cannot be true when allowedOrigins is '*'")]
    public async Task Start_BadAccessPolicy_ExitsNamingThePath(string policy, string expected)
    {
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
              "policies": { "inbound": [ {{policy}} ] } } ] }
            """);
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile);

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(expected, gateway.Output, StringComparison.Ordinal);
    }
}
