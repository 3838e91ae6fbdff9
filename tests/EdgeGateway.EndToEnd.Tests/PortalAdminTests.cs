using System.Net;
using System.Text;
using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// The developer portal's admin side on the AOT binaries: accounts, settings and content written through the admin API
/// outlive a plane restart on the disk store, and an account's subscription keys follow the account at an AOT gateway
/// (disabled: refused once the gateway applied that revision; enabled: accepted again).
/// </summary>
public sealed class PortalAdminTests : PlaneFixture
{
    private const string Password = "portal-e2e-password-1";

    private const string Document = """
        openapi: 3.0.3
        info: { title: Docs, version: "1" }
        paths:
          /pages/{id}:
            get: { operationId: getPage, parameters: [ { name: id, in: path, required: true, schema: { type: string } } ], responses: { "200": { description: ok } } }
        """;

    [Fact]
    public async Task AccountAndContent_SurviveRestart_DisabledAccountsKeyStopsAtTheGateway_EnableRestoresIt()
    {
        await Plane.ApplyAsync($$"""
            { "schemaVersion": 1,
              "apis": [ { "id": "echo", "path": "/echo", "backend": { "urls": ["{{Backend.Url}}"] } } ],
              "products": [ { "id": "starter", "name": "Starter", "apis": ["echo"] } ],
              "gateways": [ { "id": "gw1", "apis": ["echo"] } ] }
            """);
        await SendOkAsync(HttpMethod.Put, "/portal-settings", """{"title":"Acme developer portal","signUp":"invitation"}""");
        var account = await SendOkAsync(HttpMethod.Post, "/accounts", $$"""{"email":"ann@example.com","displayName":"Ann","password":"{{Password}}"}""");
        var id = account.GetProperty("id").GetString()!;
        await SendOkAsync(HttpMethod.Put, "/apis/echo/description", "# Echo\nAnswers what you send.", "text/markdown");
        await SendOkAsync(HttpMethod.Post, $"/apis/import?id=docs&backendUrl={Backend.Url}", Document, "application/yaml");
        await SendOkAsync(HttpMethod.Put, "/subscriptions/ann-starter", $$"""{"scope":"products/starter","ownerId":"{{id}}"}""");
        var key = (await SendOkAsync(HttpMethod.Post, "/subscriptions/ann-starter/list-secrets", "")).GetProperty("primaryKey").GetString()!;

        await using var gateway = await GatewayProcess.StartAsync("", env: await Plane.GatewayEnvironmentAsync("gw1"));
        await gateway.EventuallyAsync(async () => await CallAsync(gateway, key) == HttpStatusCode.OK, "the account's key works", 60);

        var before = await LatestRevisionAsync();
        Assert.Equal("disabled", (await SendOkAsync(HttpMethod.Post, $"/accounts/{id}/disable", "")).GetProperty("state").GetString());
        await AppliedAsync(gateway, before);
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(gateway, key));

        await Plane.RestartAsync();
        var stored = await SendOkAsync(HttpMethod.Get, $"/accounts/{id}");
        Assert.Equal("disabled", stored.GetProperty("state").GetString());
        Assert.Equal("ann@example.com", stored.GetProperty("email").GetString());
        Assert.Equal("Acme developer portal", (await SendOkAsync(HttpMethod.Get, "/portal-settings")).GetProperty("title").GetString());
        Assert.Equal("# Echo\nAnswers what you send.", await Plane.Admin.GetStringAsync("/apis/echo/description"));
        Assert.Equal(Document, await Plane.Admin.GetStringAsync("/apis/docs/openapi"));
        Assert.Contains("\"/accounts/{id}/disable\"", await Plane.Admin.GetStringAsync("/openapi/v1.json"), StringComparison.Ordinal);

        before = await LatestRevisionAsync();
        Assert.Equal("active", (await SendOkAsync(HttpMethod.Post, $"/accounts/{id}/enable", "")).GetProperty("state").GetString());
        await AppliedAsync(gateway, before);
        Assert.Equal(HttpStatusCode.OK, await CallAsync(gateway, key));
        Assert.DoesNotContain(Password, Plane.Output, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> CallAsync(GatewayProcess gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/x");
        request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        using var response = await gateway.Client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<long> LatestRevisionAsync() => (await Plane.StatusAsync("gw1")).GetProperty("latestRevision").GetInt64();

    /// <summary>Waits until the plane has a revision newer than <paramref name="after"/> for gw1 and the gateway reports it applied.</summary>
    private Task AppliedAsync(GatewayProcess gateway, long after) =>
        gateway.EventuallyAsync(async () =>
        {
            var status = await Plane.StatusAsync("gw1");
            var latest = status.GetProperty("latestRevision").GetInt64();
            return latest > after && status.GetProperty("instances").EnumerateArray().Any(i => i.GetProperty("appliedRevision").GetInt64() == latest);
        }, $"gw1 applied a revision after {after}", 90);

    private async Task<JsonElement> SendOkAsync(HttpMethod method, string path, string? body = null, string mediaType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, mediaType);
        }

        using var response = await Plane.Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
