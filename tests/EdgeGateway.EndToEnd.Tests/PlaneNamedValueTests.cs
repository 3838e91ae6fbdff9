using System.Net;
using System.Text;
using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// Policies from the management plane to the gateways, both as AOT processes. Named values: a secret value a policy
/// references reaches the gateway that serves that policy, and is enforced there; no other gateway receives it, and none
/// of the plane's or the gateway's logs, status or heartbeats show it. And one document using every policy type of the
/// engine is accepted by the plane and enforced by the gateway: the two planes agree on what is valid.
/// </summary>
public sealed class PlaneNamedValueTests : PlaneFixture
{
    private const string JwtKey = "ZWRnZS1nYXRld2F5LWUyZS1oczI1Ni1rZXktMDEyMzQ1Njc4OQ";

    private string EveryPolicy() => $$$"""
        { "schemaVersion": 1,
          "namedValues": [ { "id": "jwt-key", "value": "{{{JwtKey}}}", "secret": true }, { "id": "via", "value": "edge" } ],
          "policies": { "outbound": [ { "type": "set-header", "name": "X-Global", "value": "yes" } ] },
          "apis": [
            { "id": "all", "path": "/all", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] },
              "policies": {
                "inbound": [
                  { "type": "base" },
                  { "type": "cors", "allowedOrigins": ["https://app.example.com"] },
                  { "type": "ip-filter", "action": "allow", "addresses": ["127.0.0.0/8", "::1"] },
                  { "type": "choose", "when": [ { "condition": "@(context.Request.Headers.GetValueOrDefault(\"X-Jwt\", \"\") != \"\")",
                      "policies": [ { "type": "validate-jwt", "headerName": "X-Jwt", "issuerSigningKeys": [ { "kty": "oct", "k": "{{jwt-key}}" } ] } ] } ],
                    "otherwise": [ { "type": "check-header", "name": "X-Client", "failedCheckHttpCode": 403, "failedCheckErrorMessage": "X-Client is required" } ] },
                  { "type": "set-variable", "name": "client", "value": "@(context.Request.Headers.GetValueOrDefault(\"X-Client\", \"\"))" },
                  { "type": "set-header", "name": "X-Client-Seen", "value": "@((string)context.Variables[\"client\"])" },
                  { "type": "set-query-parameter", "name": "via", "value": "{{via}}" },
                  { "type": "rewrite-uri", "template": "/rewritten" },
                  { "type": "set-method", "method": "POST" },
                  { "type": "set-body", "value": "hello from the gateway" },
                  { "type": "set-backend-service", "baseUrl": "{{{Backend.Url}}}" } ],
                "outbound": [
                  { "type": "base" },
                  { "type": "set-status", "code": 203 },
                  { "type": "find-and-replace", "from": "/rewritten", "to": "/REWRITTEN" } ],
                "onError": [ { "type": "return-response", "statusCode": 418, "body": "@(context.LastError.Source + \"/\" + context.LastError.Reason)" } ] } },
            { "id": "mocked", "path": "/mocked", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] },
              "policies": { "inbound": [ { "type": "mock-response", "statusCode": 200, "contentType": "application/json" } ] } } ],
          "gateways": [ { "id": "gw1", "apis": ["all", "mocked"] } ] }
        """;

    [Fact]
    public async Task EveryPolicyType_AcceptedByThePlane_EnforcedByTheGateway()
    {
        await Plane.ApplyAsync(EveryPolicy());
        await using var gateway = await GatewayProcess.StartAsync("", env: await Plane.GatewayEnvironmentAsync("gw1"));

        using var call = new HttpRequestMessage(HttpMethod.Get, "/all/anything?q=1");
        call.Headers.Add("X-Client", "web");
        using var response = await gateway.Client.SendAsync(call);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == (HttpStatusCode)203, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("yes", response.Headers.GetValues("X-Global").Single());
        var echo = System.Text.Json.JsonSerializer.Deserialize<Echo>(body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        Assert.Equal("POST", echo.Method);
        Assert.Equal("/REWRITTEN", echo.Path); // rewritten for the backend, then replaced in its answer by find-and-replace
        Assert.Contains("via=edge", echo.Query, StringComparison.Ordinal);
        Assert.Contains("q=1", echo.Query, StringComparison.Ordinal);
        Assert.Equal("hello from the gateway", echo.Body);
        Assert.Equal("web", echo.Headers["x-client-seen"]);

        // The otherwise branch's check-header fails into onError; a token of the wrong key fails validate-jwt there too.
        using var noClient = await gateway.Client.GetAsync("/all/anything");
        Assert.Equal((HttpStatusCode)418, noClient.StatusCode);
        Assert.Equal("check-header/HeaderNotFound", await noClient.Content.ReadAsStringAsync());
        using var badToken = new HttpRequestMessage(HttpMethod.Get, "/all/anything");
        badToken.Headers.Add("X-Jwt", "not-a-token");
        using var refused = await gateway.Client.SendAsync(badToken);
        Assert.Equal((HttpStatusCode)418, refused.StatusCode);
        Assert.StartsWith("validate-jwt/", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var mocked = await gateway.Client.GetAsync("/mocked/x");
        Assert.Equal(HttpStatusCode.OK, mocked.StatusCode);
        Assert.Equal("application/json", mocked.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, Backend.Hits); // only the first call reached the backend
    }
    private const string Token = "tok-7f3a9c1e-secret-for-orders";
    private const string OtherToken = "tok-b81d-secret-for-billing";

    private string Config(string ordersToken) => $$$"""
        { "schemaVersion": 1,
          "namedValues": [
            { "id": "orders-token", "value": "{{{ordersToken}}}", "secret": true },
            { "id": "billing-token", "value": "{{{OtherToken}}}", "secret": true },
            { "id": "unused", "value": "nobody-references-this" } ],
          "apis": [
            { "id": "orders", "path": "/orders", "subscriptionRequired": false, "backend": { "urls": ["{{{Backend.Url}}}"] },
              "policies": { "inbound": [ { "type": "set-header", "name": "X-Backend-Token", "value": "Bearer {{orders-token}}" } ] } },
            { "id": "billing", "path": "/billing", "subscriptionRequired": false, "backend": { "urls": ["{{{Backend.Url}}}"] },
              "policies": { "inbound": [ { "type": "set-header", "name": "X-Backend-Token", "value": "{{billing-token}}" } ] } } ],
          "gateways": [ { "id": "gw1", "apis": ["orders"] }, { "id": "gw2", "apis": ["billing"] } ] }
        """;

    /// <summary>The snapshot payload a gateway with <paramref name="gatewayId"/>'s token receives.</summary>
    private async Task<string> SnapshotPayloadAsync(string gatewayId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/gateway/v1/gateways/{gatewayId}/snapshot");
        request.Headers.TryAddWithoutValidation("Authorization", await Plane.TokenAsync(gatewayId));
        using var response = await Plane.Admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{gatewayId}: {(int)response.StatusCode} {body}");
        var payload = JsonDocument.Parse(body).RootElement.GetProperty("payload").GetString()!;
        return Encoding.UTF8.GetString(Convert.FromBase64String(payload.Replace('-', '+').Replace('_', '/').PadRight((payload.Length + 3) / 4 * 4, '=')));
    }

    [Fact]
    public async Task SecretInPolicy_ReachesOnlyTheGatewayThatUsesIt_AndIsEnforcedThere()
    {
        await Plane.ApplyAsync(Config(Token));
        await using var gateway = await GatewayProcess.StartAsync("", env: await Plane.GatewayEnvironmentAsync("gw1"));

        using var response = await gateway.Client.GetAsync("/orders/1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"Bearer {Token}", (await Echo.ReadAsync(response)).Headers["x-backend-token"]);

        var gw1 = await SnapshotPayloadAsync("gw1");
        var gw2 = await SnapshotPayloadAsync("gw2");
        Assert.Contains(Token, gw1, StringComparison.Ordinal);
        Assert.DoesNotContain(OtherToken, gw1, StringComparison.Ordinal);
        Assert.DoesNotContain("nobody-references-this", gw1, StringComparison.Ordinal);
        Assert.Contains(OtherToken, gw2, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, gw2, StringComparison.Ordinal);

        // Changing the secret at the plane changes what the backend receives, without a restart.
        await Plane.ApplyAsync(Config(Token + "-rotated"));
        await gateway.EventuallyAsync(async () =>
        {
            using var after = await gateway.Client.GetAsync("/orders/2");
            return after.StatusCode == HttpStatusCode.OK && (await Echo.ReadAsync(after)).Headers["x-backend-token"] == $"Bearer {Token}-rotated";
        }, "the rotated secret reaches the backend");

        var status = (await gateway.StatusAsync()).GetRawText();
        var planeStatus = (await Plane.StatusAsync("gw1")).GetRawText();
        foreach (var place in new[] { gateway.Output, status, Plane.Output, planeStatus })
        {
            Assert.DoesNotContain(Token, place, StringComparison.Ordinal);
            Assert.DoesNotContain(OtherToken, place, StringComparison.Ordinal);
        }
    }
}
