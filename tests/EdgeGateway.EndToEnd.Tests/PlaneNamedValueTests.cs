using System.Net;
using System.Text;
using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// Named values from the management plane to the gateways, both as AOT processes: a secret value a policy references
/// reaches the gateway that serves that policy, and is enforced there; no other gateway receives it, and none of the
/// plane's or the gateway's logs, status or heartbeats show it.
/// </summary>
public sealed class PlaneNamedValueTests : PlaneFixture
{
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
