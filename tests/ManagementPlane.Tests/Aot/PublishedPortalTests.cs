using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Aot;

/// <summary>
/// The developer portal's anonymous pages from the Native AOT binary, over HTTP: Markdig, the embedded assets and the
/// Scalar bundle must survive trimming, and a freshly started plane with an empty store must serve <c>/portal</c>.
/// </summary>
public sealed partial class PublishedPortalTests(PublishedPlane plane) : IClassFixture<PublishedPlane>
{
    [Fact]
    public async Task Binary_ServesPortalPagesAndLocalAssets_FromAColdStart()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = plane.BaseAddress };

        // Cold: the first portal request of a new process on an empty store (no settings, no content objects yet).
        var cold = await anonymous.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.OK, cold.StatusCode);
        Assert.Equal("text/html", cold.Content.Headers.ContentType?.MediaType);
        Assert.Contains("No products are published yet.", await cold.Content.ReadAsStringAsync());

        using var admin = new HttpClient { BaseAddress = plane.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PublishedPlane.AdminKey);
        await OkAsync(await admin.PutAsync("/apis/orders", TestPlane.Json("""{"name":"Orders","path":"/orders","backend":{"urls":["http://127.0.0.1:9"]}}""")));
        await OkAsync(await admin.PutAsync("/apis/orders/operations/get-order", TestPlane.Json("""{"name":"Get an order","method":"GET","urlTemplate":"/orders/{orderId}"}""")));
        await OkAsync(await admin.PutAsync("/products/starter", TestPlane.Json("""{"name":"Starter <script>x()</script>","apis":["orders"]}""")));
        await OkAsync(await admin.PutAsync("/portal-settings", TestPlane.Json("""{"title":"AOT portal","gatewayUrl":"http://127.0.0.1:5999"}""")));
        await OkAsync(await admin.PutAsync("/products/starter/description", Text("text/markdown", "## Plans\n\n*Free* tier. [bad](javascript:alert(1)) <script>alert(2)</script>")));
        await OkAsync(await admin.PutAsync("/apis/orders/openapi", Text("application/json", Document)));

        var catalogue = await PageAsync(anonymous, "/portal");
        Assert.Contains("<a href=\"/portal/products/starter\">Starter &lt;script&gt;x()&lt;/script&gt;</a>", catalogue);
        Assert.Contains("<h3>Plans</h3>", catalogue); // Markdig ran (a description's ## sits under the product's h2)
        Assert.Contains("<em>Free</em> tier. bad &lt;script&gt;", catalogue);

        var api = await PageAsync(anonymous, "/portal/apis/orders");
        Assert.Contains("/portal/apis/orders/operations/get-order", api);
        Assert.Contains("Download OpenAPI document", api);

        var operation = await PageAsync(anonymous, "/portal/apis/orders/operations/get-order");
        Assert.Contains("<form id=\"try-it\" data-base=\"http://127.0.0.1:5999/orders\"", operation);

        var download = await anonymous.GetAsync("/portal/apis/orders/openapi.json");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(Document, await download.Content.ReadAsStringAsync());

        var reference = await PageAsync(anonymous, "/portal/apis/orders/reference");
        var pages = new[] { catalogue, api, operation, reference };
        var urls = pages.SelectMany(p => SrcOrHref().Matches(p).Select(m => m.Groups[1].Value)).Distinct().ToList();
        Assert.All(urls, u => Assert.True(u.StartsWith('/') || u.StartsWith('#'), $"a page references {u}"));

        // Every script and stylesheet the pages name is served by the plane itself, and our own ones name no other host.
        foreach (var asset in urls.Where(u => u.StartsWith("/portal/assets/", StringComparison.Ordinal)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, asset);
            request.Headers.AcceptEncoding.ParseAdd("gzip");
            var response = await anonymous.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)response.StatusCode}");
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
            Assert.NotNull(response.Headers.ETag);
            if (asset.StartsWith("/portal/assets/scalar.js", StringComparison.Ordinal))
            {
                Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
                Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100_000);
            }
            else
            {
                var text = await response.Content.ReadAsStringAsync();
                Assert.DoesNotMatch(AbsoluteUrl(), text);
            }
        }

        Assert.Contains(urls, u => u.StartsWith("/portal/assets/scalar.js?v=", StringComparison.Ordinal));
        Assert.Contains(urls, u => u.StartsWith("/portal/assets/try-it.js?v=", StringComparison.Ordinal));
        Assert.Contains(urls, u => u.StartsWith("/portal/assets/reference.js?v=", StringComparison.Ordinal));
    }

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {html}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        return html;
    }

    private static async Task OkAsync(HttpResponseMessage response) =>
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");

    private static StringContent Text(string mediaType, string text) => new(text, Encoding.UTF8, mediaType);

    private const string Document = """{"openapi":"3.0.1","info":{"title":"Orders","version":"1"},"paths":{"/orders/{orderId}":{"get":{"operationId":"get-order","parameters":[{"name":"orderId","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"OK"}}}}}}""";

    [GeneratedRegex("(?:src|href)=\"([^\"]*)\"")]
    private static partial Regex SrcOrHref();

    [GeneratedRegex("https?://")]
    private static partial Regex AbsoluteUrl();
}
