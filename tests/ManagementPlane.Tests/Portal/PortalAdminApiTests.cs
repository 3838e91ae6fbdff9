using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ManagementPlane.Portal;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ManagementPlane.Tests.Portal;

/// <summary>The portal's admin endpoints: settings, content kept beside the head record, and bad input answered with a problem.</summary>
public sealed class PortalAdminApiTests : IAsyncLifetime
{
    private const string Yaml = """
        openapi: 3.0.3
        info: { title: Echo, version: "1" }
        servers: [ { url: "http://127.0.0.1:9" } ]
        paths:
          /items/{id}:
            get: { operationId: getItem, parameters: [ { name: id, in: path, required: true, schema: { type: string } } ], responses: { "200": { description: ok } } }
        """;

    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Fact]
    public async Task Settings_PutThenGet_RoundTripsAndThePortalReadsThem()
    {
        Assert.Equal("approval", (await plane.GetJsonAsync("/portal-settings"))["signUp"]!.GetValue<string>());
        const string logo = "data:image/png;base64,iVBORw0KGgo=";

        await plane.PutOkAsync("/portal-settings", $$"""{"title":" Acme APIs ","logo":"{{logo}}","gatewayUrl":"https://api.example.com/","signUp":"invitation"}""");

        var read = await plane.GetJsonAsync("/portal-settings");
        Assert.Equal("Acme APIs", read["title"]!.GetValue<string>());
        Assert.Equal(logo, read["logo"]!.GetValue<string>());
        Assert.Equal("https://api.example.com", read["gatewayUrl"]!.GetValue<string>());
        var settings = await plane.Host.Services.GetRequiredService<IPortalContent>().GetSettingsAsync(default);
        Assert.Equal(SignUpModes.Invitation, settings.SignUp);
    }

    [Theory]
    [InlineData("""{"title":""}""", "title")]
    [InlineData("""{"title":"T","logo":"https://evil.example.com/logo.png"}""", "logo")]
    [InlineData("""{"title":"T","logo":"data:text/html;base64,PHNjcmlwdD4="}""", "logo")]
    [InlineData("""{"title":"T","logo":"data:image/png;base64,***"}""", "logo")]
    [InlineData("""{"title":"T","gatewayUrl":"javascript:alert(1)"}""", "gatewayUrl")]
    [InlineData("""{"title":"T","gatewayUrl":"/relative"}""", "gatewayUrl")]
    [InlineData("""{"title":"T","signUp":"anyone"}""", "signUp")]
    [InlineData("""{"title":"T","colour":"red"}""", "colour")]
    public async Task Settings_BadField_Is400NamingIt_AndNothingChanges(string body, string path)
    {
        var problem = await Problem.AssertAsync(await plane.PutAsync("/portal-settings", body), 400);

        Assert.Contains(path, Problem.ErrorPaths(problem));
        Assert.Equal("Developer portal", (await plane.GetJsonAsync("/portal-settings"))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Settings_OversizedLogo_Is400()
    {
        var logo = "data:image/png;base64," + Convert.ToBase64String(new byte[120_000]);

        var problem = await Problem.AssertAsync(await plane.PutAsync("/portal-settings", $$"""{"title":"T","logo":"{{logo}}"}"""), 400);

        Assert.Contains("logo", Problem.ErrorPaths(problem));
    }

    [Fact]
    public async Task Descriptions_AreStoredOutsideTheHeadRecord_AndWriteNoRevision()
    {
        await plane.PutOkAsync("/apis/echo", """{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""");
        await plane.PutOkAsync("/products/starter", """{"apis":["echo"]}""");
        var head = await File.ReadAllTextAsync(HeadPath());
        const string markdown = "# Echo\n\nReturns what you send. <script>alert(1)</script>";

        Assert.Equal(204, (int)(await PutTextAsync("/apis/echo/description", markdown, "text/markdown")).StatusCode);
        Assert.Equal(204, (int)(await PutTextAsync("/products/starter/description", "Starter *plan*", "text/plain")).StatusCode);

        Assert.Equal(head, await File.ReadAllTextAsync(HeadPath()));
        var api = await plane.Client.GetAsync("/apis/echo/description");
        Assert.Equal("text/markdown", api.Content.Headers.ContentType!.MediaType);
        Assert.Equal(markdown, await api.Content.ReadAsStringAsync());
        Assert.Equal("Starter *plan*", await plane.Client.GetStringAsync("/products/starter/description"));
        Assert.True(File.Exists(Path.Combine(plane.StorePath, "portal", "apis", "echo.json")));
        var content = plane.Host.Services.GetRequiredService<IPortalContent>();
        Assert.Equal(markdown, (await content.GetApiAsync("echo", default))!.Description);
        Assert.Equal("Starter *plan*", (await content.GetProductAsync("starter", default))!.Description);
    }

    [Fact]
    public async Task Description_OfUnknownApi_Is404_TooLarge_Is413_NotUtf8_Is400()
    {
        await plane.PutOkAsync("/apis/echo", """{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""");

        await Problem.AssertAsync(await PutTextAsync("/apis/nope/description", "x", "text/markdown"), 404);
        await Problem.AssertAsync(await PutTextAsync("/products/nope/description", "x", "text/markdown"), 404);
        await Problem.AssertAsync(await PutTextAsync("/apis/echo/description", new string('x', 70_000), "text/markdown"), 413);
        var latin1 = new ByteArrayContent([0x63, 0x61, 0x66, 0xE9]);
        latin1.Headers.ContentType = new MediaTypeHeaderValue("text/markdown");
        await Problem.AssertAsync(await plane.Client.PutAsync("/apis/echo/description", latin1), 400);
        await Problem.AssertAsync(await plane.Client.GetAsync("/apis/bad%20id/description"), 400);
        Assert.Equal("", await plane.Client.GetStringAsync("/apis/echo/description"));
    }

    [Fact]
    public async Task Import_KeepsTheDocument_PutReplacesItWithoutReimporting_DeleteDropsIt()
    {
        var import = new StringContent(Yaml, Encoding.UTF8, "application/yaml");
        Assert.True((await plane.Client.PostAsync("/apis/import?id=echo", import)).IsSuccessStatusCode);

        var stored = await plane.Client.GetAsync("/apis/echo/openapi");
        Assert.Equal("application/yaml", stored.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Yaml, await stored.Content.ReadAsStringAsync());

        const string json = """{"openapi":"3.0.3","info":{"title":"Echo 2","version":"2"},"paths":{"/other":{"post":{"responses":{"200":{"description":"ok"}}}}}}""";
        Assert.Equal(204, (int)(await PutTextAsync("/apis/echo/openapi", json, "application/json")).StatusCode);
        Assert.Equal(json, await plane.Client.GetStringAsync("/apis/echo/openapi"));
        var operations = (await plane.GetJsonAsync("/apis/echo/operations"))["value"]!.AsArray();
        Assert.Equal("getItem", Assert.Single(operations)!["id"]!.GetValue<string>());

        await Problem.AssertAsync(await PutTextAsync("/apis/echo/openapi", "not: [an, openapi", "application/yaml"), 400);
        Assert.Equal(json, await plane.Client.GetStringAsync("/apis/echo/openapi"));

        Assert.Equal(204, (int)(await plane.Client.DeleteAsync("/apis/echo")).StatusCode);
        Assert.False(File.Exists(Path.Combine(plane.StorePath, "portal", "apis", "echo.json")));
        await Problem.AssertAsync(await plane.Client.GetAsync("/apis/echo/openapi"), 404);
    }

    [Fact]
    public async Task Accounts_Create_BadInputIs400PerField_DuplicateIs409_UnknownIs404()
    {
        var problem = await Problem.AssertAsync(await plane.Client.PostAsync("/accounts", TestPlane.Json("""{"email":"x","displayName":"","password":"1"}""")), 400);
        Assert.Equal(["email", "displayName", "password"], Problem.ErrorPaths(problem));
        await Problem.AssertAsync(await plane.Client.PostAsync("/accounts", TestPlane.Json("""{"email":"a@example.com","role":"admin"}""")), 400);

        var created = await plane.Client.PostAsync("/accounts", TestPlane.Json("""{"email":"a@example.com","displayName":"A","password":"password-1"}"""));
        Assert.Equal(201, (int)created.StatusCode);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        Assert.Equal($"/accounts/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal("active", (await plane.GetJsonAsync($"/accounts/{id}"))["state"]!.GetValue<string>());

        await Problem.AssertAsync(await plane.Client.PostAsync("/accounts", TestPlane.Json("""{"email":"A@example.com","displayName":"A","password":"password-2"}""")), 409);
        await Problem.AssertAsync(await plane.Client.GetAsync("/accounts/" + new string('0', 32)), 404);
        await Problem.AssertAsync(await plane.Client.GetAsync("/accounts/ABC"), 400);
        await Problem.AssertAsync(await plane.Client.GetAsync("/accounts?state=sleeping"), 400);
        await Problem.AssertAsync(await plane.Client.PostAsync("/accounts/" + new string('0', 32) + "/disable", null), 404);
    }

    [Fact]
    public async Task AdminEndpoints_WithoutTheAdminKey_Are401()
    {
        foreach (var path in new[] { "/accounts", "/portal-settings", "/apis/echo/description" })
        {
            await Problem.AssertAsync(await plane.Anonymous.GetAsync(path), 401);
        }

        await Problem.AssertAsync(await plane.Anonymous.PostAsync("/accounts", TestPlane.Json("""{"email":"a@example.com","displayName":"A","password":"password-1"}""")), 401);
        Assert.Equal(0, (await plane.GetJsonAsync("/accounts"))["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task OpenApiDocument_ListsThePortalAdminEndpoints()
    {
        var document = await plane.GetJsonAsync("/openapi/v1.json");
        var paths = document["paths"]!.AsObject();

        foreach (var path in new[]
                 {
                     "/portal-settings", "/accounts", "/accounts/{id}", "/accounts/{id}/approve", "/accounts/{id}/reject", "/accounts/{id}/disable",
                     "/accounts/{id}/enable", "/invitations", "/apis/{id}/description", "/products/{id}/description", "/apis/{id}/openapi",
                     "/subscriptions/{id}/approve", "/subscriptions/{id}/reject",
                 })
        {
            Assert.True(paths.ContainsKey(path), path);
        }

        Assert.NotNull(paths["/accounts"]!["post"]!["requestBody"]);
        Assert.NotNull(document["components"]!["schemas"]!["AccountResource"]);
        Assert.Equal(["get", "put"], paths["/portal-settings"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    private Task<HttpResponseMessage> PutTextAsync(string path, string text, string mediaType) =>
        plane.Client.PutAsync(path, new StringContent(text, Encoding.UTF8, mediaType));

    private string HeadPath() => Path.Combine(plane.StorePath, "state", "head.json");
}
