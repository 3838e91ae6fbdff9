using System.Text;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Hosting;

/// <summary>Bad requests get the right 4xx with a problem body, never a 500, and change nothing.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private TestPlane plane = null!;

    public async Task InitializeAsync()
    {
        plane = await TestPlane.StartAsync(settings: new() { ["Management:MaxBodyBytes"] = "4096" });
        await plane.PutOkAsync("/apis/echo", """{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""");
    }

    public async Task DisposeAsync() => await plane.DisposeAsync();

    public static TheoryData<string, string, string, int> Cases => new()
    {
        { "PUT", "/apis/echo2", """{"path":"/e2","backend":{"urls":["http://x"]}""", 400 },
        { "PUT", "/apis/echo2", """{"path":"/e2","backend":{"urls":["http://x"]},"extra":true}""", 400 },
        { "PUT", "/apis/echo2", """{"path":5}""", 400 },
        { "PUT", "/apis/echo2", "null", 400 },
        { "PUT", "/apis/echo2", "", 400 },
        { "PUT", "/apis/echo2", "[1,2]", 400 },
        { "PUT", "/apis/bad%20id", """{"path":"/e2","backend":{"urls":["http://x"]}}""", 400 },
        { "PUT", "/apis/-starts-with-dash", """{"path":"/e2","backend":{"urls":["http://x"]}}""", 400 },
        { "PUT", "/apis/" + new string('a', 81), """{"path":"/e2","backend":{"urls":["http://x"]}}""", 400 },
        { "PUT", "/apis/echo2", """{"id":"other","path":"/e2","backend":{"urls":["http://x"]}}""", 400 },
        { "PUT", "/apis/echo2", """{"path":"/echo","backend":{"urls":["http://x"]}}""", 400 },
        { "PUT", "/products/p1", """{"apis":["nope"]}""", 400 },
        { "PUT", "/subscriptions/s1", """{"scope":"nowhere"}""", 400 },
        { "PUT", "/subscriptions/s1", """{"name":"no scope"}""", 400 },
        { "PUT", "/named-values/n1", """{"secret":true}""", 400 },
        { "PUT", "/gateways/g1", """{"apis":"echo"}""", 400 },
        { "PUT", "/config", """{"schemaVersion":"one"}""", 400 },
        { "PUT", "/config", """{"schemaVersion":1,"gateways":[{"id":"bad id"}]}""", 400 },
        { "POST", "/gateways/nope/regenerate-key", """{"keyType":"primary"}""", 404 },
        { "POST", "/subscriptions/nope/regenerate-primary-key", "{}", 404 },
        { "GET", "/apis/nope", "", 404 },
        { "DELETE", "/named-values/nope", "", 404 },
        { "PATCH", "/apis/echo", "{}", 405 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_BadInput_Is4xxProblemAndStateUnchanged(string method, string path, string body, int status)
    {
        var before = (await plane.Client.GetAsync("/config")).Headers.ETag;
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "PUT" or "POST" or "PATCH")
        {
            request.Content = TestPlane.Json(body);
        }

        await Problem.AssertAsync(await plane.Client.SendAsync(request), status);
        Assert.Equal(before, (await plane.Client.GetAsync("/config")).Headers.ETag);
    }

    [Fact]
    public async Task Put_OversizeBody_Is413Problem()
    {
        var huge = "{\"name\":\"" + new string('x', 10_000) + "\",\"path\":\"/big\",\"backend\":{\"urls\":[\"http://x\"]}}";
        await Problem.AssertAsync(await plane.PutAsync("/apis/big", huge), 413);

        // Without Content-Length (chunked) too.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new("application/json");
        chunked.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Put, "/apis/big") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await Problem.AssertAsync(await plane.Client.SendAsync(request), 413);
    }

    [Fact]
    public async Task Put_WrongContentType_Is415Problem()
    {
        var content = new StringContent("path=/x", Encoding.UTF8, "application/x-www-form-urlencoded");
        await Problem.AssertAsync(await plane.Client.PutAsync("/apis/x", content), 415);
    }

    [Fact]
    public async Task Put_WrongETag_Is412Problem()
    {
        await Problem.AssertAsync(await plane.PutAsync("/apis/echo", """{"path":"/echo","backend":{"urls":["http://x"]}}""", "\"999\""), 412);
        await Problem.AssertAsync(await plane.PutAsync("/apis/new-one", """{"path":"/n","backend":{"urls":["http://x"]}}""", "\"1\""), 412);
    }
}
