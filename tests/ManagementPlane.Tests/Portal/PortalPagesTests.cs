using System.Net;
using System.Text.RegularExpressions;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Portal;

/// <summary>The anonymous portal pages over an in-process plane: what is shown, what stays hidden, what is escaped.</summary>
public sealed partial class PortalPagesTests : IAsyncLifetime
{
    private const string Backend = """{"urls":["http://127.0.0.1:9"]}""";
    private TestPlane plane = null!;

    public async Task InitializeAsync()
    {
        plane = await TestPlane.StartAsync();
        await plane.PutOkAsync("/apis/orders", $$"""{"name":"Orders","path":"/orders","backend":{{Backend}}}""");
        await plane.PutOkAsync("/apis/orders/operations/get-order", """{"name":"Get an order","method":"GET","urlTemplate":"/orders/{orderId}"}""");
        await plane.PutOkAsync("/apis/orders/operations/add-order", """{"name":"Add an order","method":"POST","urlTemplate":"/orders"}""");
        await plane.PutOkAsync("/apis/internal", $$"""{"name":"Internal","path":"/internal","backend":{{Backend}}}""");
        await plane.PutOkAsync("/apis/internal/operations/secret-op", """{"method":"GET","urlTemplate":"/x"}""");
        await plane.PutOkAsync("/products/starter", """{"name":"Starter","apis":["orders"]}""");
        await plane.PutOkAsync("/products/hidden", """{"name":"Hidden product","apis":["internal"],"state":"notPublished"}""");
    }

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Fact]
    public async Task Catalogue_ShowsPublishedProductsAndTheirApis_NotUnpublishedOnes()
    {
        var html = await PageAsync("/portal");

        Assert.Contains("<a href=\"/portal/products/starter\">Starter</a>", html);
        Assert.Contains("<a href=\"/portal/apis/orders\">Orders</a>", html);
        Assert.DoesNotContain("Hidden product", html);
        Assert.DoesNotContain("/portal/apis/internal", html);
    }

    [Theory]
    [InlineData("/portal/products/hidden")]
    [InlineData("/portal/products/nope")]
    [InlineData("/portal/apis/internal")]
    [InlineData("/portal/apis/internal/operations/secret-op")]
    [InlineData("/portal/apis/internal/reference")]
    [InlineData("/portal/apis/internal/openapi.json")]
    [InlineData("/portal/apis/orders/operations/nope")]
    public async Task UnpublishedOrUnknown_IsA404PageThatSaysSo(string path)
    {
        var response = await plane.Anonymous.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("role=\"alert\"", html);
        Assert.DoesNotContain("Internal", html);
    }

    [Fact]
    public async Task ProductPage_ListsItsApis_AndOffersSignInToSubscribe()
    {
        var html = await PageAsync("/portal/products/starter");

        Assert.Single(H1().Matches(html));
        Assert.Contains("<h1>Starter</h1>", html);
        Assert.Contains("<a href=\"/portal/apis/orders\">Orders</a>", html);
        Assert.Contains("Sign in to subscribe", html);
    }

    [Fact]
    public async Task Pages_EscapeScriptInNamesAndDescriptions_AndDropJavascriptLinks()
    {
        await plane.PutOkAsync("/products/starter", """{"name":"<script>alert('product')</script>","apis":["orders"]}""");
        await plane.PutOkAsync("/apis/orders", $$"""{"name":"<img src=x onerror=alert('api')>","path":"/orders","backend":{{Backend}}}""");
        await PutTextAsync("/products/starter/description", "text/markdown",
            "Intro <script>alert('md')</script>\n\n[click me](javascript:alert('link')) and [tab](java\tscript:alert(1)) and <javascript:alert(2)>\n\n<a href=\"javascript:alert(3)\">raw</a>\n\n[docs](https://example.org/docs)");

        foreach (var path in new[] { "/portal", "/portal/products/starter", "/portal/apis/orders" })
        {
            var html = await PageAsync(path);
            Assert.DoesNotContain("<script>alert", html);
            Assert.DoesNotContain("<img src=x", html);
            Assert.DoesNotMatch(UnsafeUrl(), html); // the text may stay; never as a link
            Assert.Contains("&lt;script&gt;alert(&#x27;product&#x27;)&lt;/script&gt;", html);
        }

        var product = await PageAsync("/portal/products/starter");
        Assert.Contains("click me", product);                                     // the text stays, the link goes
        Assert.Contains("<a href=\"https://example.org/docs\">docs</a>", product); // allowed schemes stay links
        Assert.Contains("Intro &lt;script&gt;alert(", product);            // Markdig escapes &lt; &gt; &amp; &quot;
        Assert.Contains("&lt;img src=x onerror=alert(&#x27;api&#x27;)&gt;", product);
    }

    [Fact]
    public async Task ApiPage_ListsOperations_AndLinksTheDocumentAndReference()
    {
        await PutTextAsync("/apis/orders/openapi", "application/json", OrdersDocument);

        var html = await PageAsync("/portal/apis/orders");

        Assert.Contains("<h2>Operations</h2>", html);
        Assert.Contains("href=\"/portal/apis/orders/operations/get-order\"><span class=\"method\">GET</span> <code>/orders/{orderId}</code></a>", html);
        Assert.Contains("href=\"/portal/apis/orders/operations/add-order\"", html);
        Assert.Contains("<a href=\"/portal/apis/orders/openapi.json\" download>Download OpenAPI document</a>", html);
        Assert.Contains("<a href=\"/portal/apis/orders/reference\">API reference</a>", html);
    }

    [Fact]
    public async Task ApiPage_WithoutDocument_HasNoDownloadAndTheDownloadIs404()
    {
        var html = await PageAsync("/portal/apis/orders");

        Assert.DoesNotContain("Download OpenAPI document", html);
        Assert.Equal(HttpStatusCode.NotFound, (await plane.Anonymous.GetAsync("/portal/apis/orders/openapi.json")).StatusCode);
    }

    [Fact]
    public async Task Download_IsTheStoredDocumentAsAnAttachment()
    {
        await PutTextAsync("/apis/orders/openapi", "application/json", OrdersDocument);

        var response = await plane.Anonymous.GetAsync("/portal/apis/orders/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("orders.openapi.json", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(OrdersDocument, await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await plane.Anonymous.GetAsync("/portal/apis/orders/openapi.yaml")).StatusCode);
    }

    [Fact]
    public async Task Download_OfAYamlDocument_IsYaml()
    {
        await PutTextAsync("/apis/orders/openapi", "application/yaml", OrdersYaml);

        var response = await plane.Anonymous.GetAsync("/portal/apis/orders/openapi.yaml");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("orders.openapi.yaml", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Contains("href=\"/portal/apis/orders/openapi.yaml\"", await PageAsync("/portal/apis/orders"));
    }

    [Fact]
    public async Task Reference_LoadsOnlyLocalScriptsAndTheStoredDocument()
    {
        await PutTextAsync("/apis/orders/openapi", "application/json", OrdersDocument);
        await plane.PutOkAsync("/portal-settings", """{"title":"Dev portal","gatewayUrl":"https://gw.example.test/"}""");

        var response = await plane.Anonymous.GetAsync("/portal/apis/orders/reference");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-url=\"/portal/apis/orders/openapi.json\"", html);
        Assert.Contains("data-server=\"https://gw.example.test/orders\"", html);
        var sources = SrcOrHref().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(sources, s => s.StartsWith("/portal/assets/scalar.js?v=", StringComparison.Ordinal));
        Assert.All(sources, s => Assert.True(s.StartsWith('/') || s.StartsWith('#'), $"not local: {s}"));
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", policy);
        Assert.Contains("font-src 'self' data:;", policy);
    }

    [Fact]
    public async Task OperationPage_TryItForm_TargetsTheGatewayWithTheKeyHeader()
    {
        await plane.PutOkAsync("/portal-settings", """{"title":"Dev portal","gatewayUrl":"https://gw.example.test"}""");

        var response = await plane.Anonymous.GetAsync("/portal/apis/orders/operations/get-order");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h1>Get an order</h1>", html);
        Assert.Contains("<form id=\"try-it\" data-base=\"https://gw.example.test/orders\" data-template=\"/orders/{orderId}\" data-method=\"GET\" data-key-header=\"Ocp-Apim-Subscription-Key\">", html);
        Assert.Contains("<label for=\"try-it-key\">Subscription key</label>", html);
        Assert.Contains("<label for=\"try-it-path-orderId\">orderId</label>", html);
        Assert.Contains("<label for=\"try-it-query\">Query string</label>", html);
        Assert.DoesNotContain("Request body", html); // GET has none
        Assert.Contains("<button type=\"submit\">Send</button>", html);
        Assert.Contains("<output id=\"try-it-status\"", html);
        Assert.Contains("/portal/assets/try-it.js?v=", html);
        Assert.Contains("connect-src 'self' https://gw.example.test;", response.Headers.GetValues("Content-Security-Policy").Single());

        var post = await PageAsync("/portal/apis/orders/operations/add-order");
        Assert.Contains("<label for=\"try-it-body-input\">Request body</label>", post);
    }

    [Fact]
    public async Task OperationPage_WithoutGatewayUrl_SaysTryItIsNotConfigured()
    {
        var html = await PageAsync("/portal/apis/orders/operations/get-order");

        Assert.Contains("Try it is not configured", html);
        Assert.DoesNotContain("<form id=\"try-it\"", html);
    }

    [Fact]
    public async Task Layout_HasTheChromeAndStrictHeaders()
    {
        await plane.PutOkAsync("/portal-settings", """{"title":"<b>Acme</b> portal"}""");

        var response = await plane.Anonymous.GetAsync("/portal");
        var html = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", html);
        Assert.Contains("<nav aria-label=\"Main\">", html);
        Assert.Contains("<a href=\"/portal/signin\">Sign in</a>", html);
        Assert.Contains("<a href=\"/portal/signup\">Sign up</a>", html);
        Assert.Contains("&lt;b&gt;Acme&lt;/b&gt; portal", html);
        Assert.Single(H1().Matches(html));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Assets_AreServedLocallyWithETagAndImmutableWhenVersioned()
    {
        var html = await PageAsync("/portal");
        var css = CssLink().Match(html).Groups[1].Value;
        Assert.StartsWith("/portal/assets/portal.css?v=", css);

        var response = await plane.Anonymous.GetAsync(css);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        var etag = response.Headers.ETag!.Tag;

        using var again = new HttpRequestMessage(HttpMethod.Get, "/portal/assets/portal.css");
        again.Headers.TryAddWithoutValidation("If-None-Match", etag);
        var notModified = await plane.Anonymous.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await plane.Anonymous.GetAsync("/portal/assets/nope.js")).StatusCode);
    }

    [Fact]
    public async Task ScalarBundle_IsServedFromTheBinary()
    {
        var response = await plane.Anonymous.GetAsync("/portal/assets/scalar.js");
        var script = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("createApiReference", script);
        Assert.True(script.Length > 100_000, $"only {script.Length} characters");
    }

    private async Task<string> PageAsync(string path)
    {
        var response = await plane.Anonymous.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {html}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return html;
    }

    private async Task PutTextAsync(string path, string contentType, string text)
    {
        var content = new StringContent(text);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        var response = await plane.Client.PutAsync(path, content);
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private const string OrdersDocument = """{"openapi":"3.0.1","info":{"title":"Orders","version":"1"},"paths":{"/orders/{orderId}":{"get":{"operationId":"get-order","parameters":[{"name":"orderId","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"OK"}}}}}}""";

    private const string OrdersYaml = """
        openapi: 3.0.1
        info:
          title: Orders
          version: '1'
        paths:
          /orders:
            get:
              operationId: list-orders
              responses:
                '200':
                  description: OK
        """;

    [GeneratedRegex("(?i)(?:href|src)\\s*=\\s*\"[^\"]*script:")]
    private static partial Regex UnsafeUrl();

    [GeneratedRegex("<h1[ >]")]
    private static partial Regex H1();

    [GeneratedRegex("(?:src|href)=\"([^\"]*)\"")]
    private static partial Regex SrcOrHref();

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"([^\"]+)\"")]
    private static partial Regex CssLink();
}
