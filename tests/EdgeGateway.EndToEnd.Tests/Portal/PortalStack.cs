using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests.Portal;

/// <summary>
/// What a portal scenario class shares: a real Kestrel backend, the AOT management plane (serving the portal at /portal),
/// and, when asked, an AOT gateway synced from it (<c>gw1</c>) that try-it calls. The admin publishes one API
/// (<c>orders</c>, subscription required, with a cors policy that lets the portal's origin call it) in one product
/// (<c>starter</c>), with descriptions and portal settings, all through the admin API as docs/portal.md shows.
/// </summary>
public abstract class PortalStack : IAsyncLifetime
{
    public const string ApiId = "orders";
    public const string ProductId = "starter";
    public const string OperationId = "get-order";
    public const string Password = "correct horse battery staple 42";

    private readonly bool withGateway;
    private int serial;

    protected PortalStack(bool withGateway) => this.withGateway = withGateway;

    public ConfigFolder Folder { get; } = new();

    public TestBackend Backend { get; private set; } = null!;

    public ManagementPlaneProcess Plane { get; private set; } = null!;

    public GatewayProcess? Gateway { get; private set; }

    /// <summary>The portal's origin (the plane's), which the API's cors policy allows.</summary>
    public string PortalUrl => Plane.Url;

    public virtual async Task InitializeAsync()
    {
        Backend = await TestBackend.StartAsync("portal-backend");
        Plane = await ManagementPlaneProcess.StartAsync(Folder.Path);
        await Plane.ApplyAsync(Config());
        if (withGateway)
        {
            Gateway = await GatewayProcess.StartAsync("", env: await Plane.GatewayEnvironmentAsync("gw1"));
        }

        await PublishToPortalAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        await Plane.DisposeAsync();
        await Backend.DisposeAsync();
        Folder.Dispose();
    }

    /// <summary>A unique email for one consumer of one test.</summary>
    public string NewEmail(string who) => $"{who}-{Interlocked.Increment(ref serial)}@example.com";

    /// <summary>The product's and API's names as the admin gives them; a subclass may make them hostile.</summary>
    protected virtual string ProductName => "Starter";

    protected virtual string ApiName => "Orders";

    protected virtual string ApiDescription => "Orders placed by **your** customers. See [the guide](https://example.com/guide).";

    protected virtual string ProductDescription => "Everything you need to *start*: the Orders API, 100 calls a minute.";

    /// <summary>The API's document as an admin stores it for the portal (download link and reference page).</summary>
    private const string OpenApiDocument = """
        { "openapi": "3.0.3",
          "info": { "title": "Orders", "version": "1.0", "description": "Orders placed by your customers." },
          "paths": {
            "/items/{id}": { "get": { "operationId": "get-order", "summary": "Get an order",
              "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } } ],
              "responses": { "200": { "description": "The order",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Order" } } } },
                "404": { "description": "No such order" } } } },
            "/items": { "post": { "operationId": "create-order", "summary": "Create an order",
              "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Order" } } } },
              "responses": { "201": { "description": "Created" } } } } },
          "components": { "schemas": { "Order": { "type": "object",
            "properties": { "id": { "type": "integer" }, "item": { "type": "string" }, "quantity": { "type": "integer" } } } } } }
        """;

    private string Config() => $$"""
        { "schemaVersion": 1,
          "apis": [ { "id": "{{ApiId}}", "name": {{JsonSerializer.Serialize(ApiName)}}, "path": "/orders", "subscriptionRequired": true,
                      "backend": { "urls": ["{{Backend.Url}}"] },
                      "operations": [ { "id": "{{OperationId}}", "name": "Get an order", "method": "GET", "urlTemplate": "/items/{id}" },
                                      { "id": "create-order", "name": "Create an order", "method": "POST", "urlTemplate": "/items" } ],
                      "policies": { "inbound": [ { "type": "base" },
                        { "type": "cors", "allowedOrigins": ["{{PortalUrl}}"], "allowedMethods": ["GET", "POST"],
                          "allowedHeaders": ["Ocp-Apim-Subscription-Key", "Content-Type"] } ] } } ],
          "products": [ { "id": "{{ProductId}}", "name": {{JsonSerializer.Serialize(ProductName)}}, "apis": ["{{ApiId}}"], "subscriptionRequired": true, "state": "published" },
                        { "id": "internal", "name": "Internal only", "apis": ["{{ApiId}}"], "subscriptionRequired": true, "state": "notPublished" } ],
          "gateways": [ { "id": "gw1", "apis": ["{{ApiId}}"] } ] }
        """;

    private async Task PublishToPortalAsync()
    {
        await SendAsync(HttpMethod.Put, $"/apis/{ApiId}/description", new StringContent(ApiDescription, Encoding.UTF8, "text/markdown"));
        await SendAsync(HttpMethod.Put, $"/products/{ProductId}/description", new StringContent(ProductDescription, Encoding.UTF8, "text/markdown"));
        await SendAsync(HttpMethod.Put, $"/apis/{ApiId}/openapi", new StringContent(OpenApiDocument, Encoding.UTF8, "application/json"));
        var settings = new Dictionary<string, string> { ["title"] = "Contoso developer portal", ["signUp"] = "approval" };
        if (Gateway is not null)
        {
            settings["gatewayUrl"] = Gateway.BaseAddress.ToString().TrimEnd('/');
        }

        await SendAsync(HttpMethod.Put, "/portal-settings", JsonContent.Create(settings));
    }

    /// <summary>An admin call that must succeed; returns the body.</summary>
    public async Task<string> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await Plane.Admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>The id of the account with <paramref name="email"/>, from the admin's list.</summary>
    public async Task<string> AccountIdAsync(string email)
    {
        var root = JsonDocument.Parse(await SendAsync(HttpMethod.Get, "/accounts")).RootElement;
        var list = root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("value");
        foreach (var account in list.EnumerateArray())
        {
            if (string.Equals(account.GetProperty("email").GetString(), email, StringComparison.OrdinalIgnoreCase))
            {
                return account.GetProperty("id").GetString()!;
            }
        }

        throw new InvalidOperationException($"no account {email} in GET /accounts: {root}");
    }

    /// <summary>An active account made by the admin (POST /accounts), as scripts/run.sh makes its demo consumer.</summary>
    public async Task<string> CreateAccountAsync(string email, string displayName)
    {
        var body = await SendAsync(HttpMethod.Post, "/accounts",
            JsonContent.Create(new Dictionary<string, string> { ["email"] = email, ["displayName"] = displayName, ["password"] = Password }));
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> SubscriptionAsync(string id) =>
        JsonDocument.Parse(await SendAsync(HttpMethod.Get, $"/subscriptions/{id}")).RootElement;

    public async Task<string> PrimaryKeyAsync(string subscriptionId) =>
        JsonDocument.Parse(await SendAsync(HttpMethod.Post, $"/subscriptions/{subscriptionId}/list-secrets")).RootElement.GetProperty("primaryKey").GetString()!;

    /// <summary>A call through the gateway to the published operation with <paramref name="key"/>.</summary>
    public async Task<HttpStatusCode> CallWithKeyAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/items/7");
        request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        using var response = await Gateway!.Client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// Waits until the gateway serves the plane's newest revision for it, as both sides report it (the plane's
    /// <c>latestRevision</c> read after the change, the gateway's own status): never a fixed time.
    /// </summary>
    public async Task WaitForLatestRevisionAsync()
    {
        var latest = (await Plane.StatusAsync("gw1")).GetProperty("latestRevision").GetInt64();
        await Gateway!.EventuallyAsync(async () => (await Gateway.StatusAsync()).GetProperty("revision").GetInt64() >= latest,
            $"gateway applied revision {latest}", 60);
    }
}

/// <summary>Plane, gateway and backend for the consumer journeys.</summary>
public sealed class PortalGatewayStack() : PortalStack(withGateway: true);
