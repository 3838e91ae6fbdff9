using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Resources;

public sealed class PolicyDocumentTests : IAsyncLifetime
{
    private const string Xml = "application/vnd.ms-azure-apim.policy+xml";
    private const string RawXml = "application/vnd.ms-azure-apim.policy.raw+xml";

    private const string ApiXml = """
        <policies>
            <inbound>
                <base />
                <set-header name="X-Caller" exists-action="override">
                    <value>@(context.Request.Headers.GetValueOrDefault("X-Who", "anonymous"))</value>
                </set-header>
            </inbound>
            <outbound>
                <base />
            </outbound>
        </policies>
        """;

    private TestPlane plane = null!;

    public async Task InitializeAsync()
    {
        plane = await TestPlane.StartAsync();
        await plane.PutOkAsync("/apis/echo", """{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""");
        await plane.PutOkAsync("/apis/echo/operations/get-item", """{"method":"GET","urlTemplate":"/items/{id}"}""");
        await plane.PutOkAsync("/products/gold", """{"name":"Gold","apis":["echo"]}""");
    }

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Theory]
    [InlineData("/policies")]
    [InlineData("/products/gold/policy")]
    [InlineData("/apis/echo/policy")]
    [InlineData("/apis/echo/operations/get-item/policy")]
    public async Task PutXml_EveryScope_StoredAsJsonAndReadBackAsXml(string path)
    {
        // The global scope has no outer one: no <base /> there (as in APIM's "All APIs" document).
        var global = path == "/policies";
        var xml = global ? ApiXml.Replace("<base />", "", StringComparison.Ordinal) : ApiXml;
        var put = await SendAsync(HttpMethod.Put, path, xml, Xml);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

        var json = await plane.GetJsonAsync(path);
        var inbound = json["inbound"]!.AsArray();
        Assert.Equal(global ? ["set-header"] : ["base", "set-header"], inbound.Select(p => p!["type"]!.GetValue<string>()));
        Assert.Equal("@(context.Request.Headers.GetValueOrDefault(\"X-Who\", \"anonymous\"))", inbound[^1]!["value"]!.GetValue<string>());

        var raw = await GetAsync(path, RawXml);
        Assert.Equal(RawXml, raw.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<value>@(context.Request.Headers.GetValueOrDefault(\"X-Who\", \"anonymous\"))</value>", await raw.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var escaped = await GetAsync(path, Xml);
        Assert.Equal(Xml, escaped.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("<policies>", await escaped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutRawXml_ThenGetRawXml_GivesTheSameDocumentBack()
    {
        var first = await SendAsync(HttpMethod.Put, "/apis/echo/policy", ApiXml, RawXml);
        Assert.Equal(RawXml, first.Content.Headers.ContentType!.MediaType);
        var written = await first.Content.ReadAsStringAsync();

        var again = await SendAsync(HttpMethod.Put, "/apis/echo/policy", written, RawXml);

        Assert.Equal(written, await again.Content.ReadAsStringAsync());
        Assert.Equal(written, await (await GetAsync("/apis/echo/policy", RawXml)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PutJson_ScopePolicy_SetsTheOwnersPolicies()
    {
        await plane.PutOkAsync("/products/gold/policy", """{"inbound":[{"type":"base"},{"type":"rate-limit","calls":5,"renewalPeriod":60}]}""");

        var product = await plane.GetJsonAsync("/products/gold");
        Assert.Equal("rate-limit", product["policies"]!["inbound"]![1]!["type"]!.GetValue<string>());
        Assert.Equal(204, (int)(await plane.Client.DeleteAsync("/products/gold/policy")).StatusCode);
        Assert.Null((await plane.GetJsonAsync("/products/gold"))["policies"]);
    }

    [Fact]
    public async Task PutXml_Untranslatable_Is422WithEveryPlaceAndNothingStored()
    {
        await plane.PutOkAsync("/apis/echo/policy", """{"inbound":[{"type":"base"}]}""");
        const string xml = "<policies>\n  <inbound>\n    <xsl-transform />\n    <set-header name=\"X\"><value>@(System.Environment.GetEnvironmentVariable(\"HOME\"))</value></set-header>\n  </inbound>\n</policies>";

        var response = await SendAsync(HttpMethod.Put, "/apis/echo/policy", xml, Xml);

        var problem = await Problem.AssertAsync(response, 422);
        var errors = problem["errors"]!.AsArray();
        Assert.Equal(2, errors.Count);
        Assert.Equal(3, errors[0]!["line"]!.GetValue<int>());
        Assert.Equal(6, errors[0]!["column"]!.GetValue<int>());
        Assert.Equal(4, errors[1]!["line"]!.GetValue<int>());
        Assert.Single((await plane.GetJsonAsync("/apis/echo/policy"))["inbound"]!.AsArray());
    }

    [Fact]
    public async Task PutXml_TranslatesButInvalid_Is422LocatedAndNothingStored()
    {
        // rate-limit without calls: the catalog's own rule, found by the state's validation, located in the XML.
        const string xml = "<policies>\n  <inbound>\n    <base />\n    <rate-limit renewal-period=\"60\" />\n  </inbound>\n</policies>";

        var response = await SendAsync(HttpMethod.Put, "/apis/echo/operations/get-item/policy", xml, Xml);

        var problem = await Problem.AssertAsync(response, 422);
        var error = Assert.Single(problem["errors"]!.AsArray());
        Assert.Contains("inbound[1]", error!["path"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(4, error["line"]!.GetValue<int>());
        Assert.Null((await plane.GetJsonAsync("/apis/echo/operations/get-item"))["policies"]);
    }

    [Theory]
    [InlineData("<!DOCTYPE p [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><policies><inbound><set-body>&b;</set-body></inbound></policies>")]
    [InlineData("<policies><inbound><base /></inbound>")]
    public async Task PutXml_BombOrMalformed_Is422WithLocation(string xml)
    {
        var problem = await Problem.AssertAsync(await SendAsync(HttpMethod.Put, "/policies", xml, Xml), 422);

        var error = Assert.Single(problem["errors"]!.AsArray());
        Assert.Equal(1, error!["line"]!.GetValue<int>());
        Assert.True(error["column"]!.GetValue<int>() >= 1);
        Assert.Equal(new JsonObject().ToJsonString(), (await plane.GetJsonAsync("/policies")).ToJsonString());
    }

    [Fact]
    public async Task PutXml_Oversized_Is413AndNothingStored()
    {
        await using var small = await TestPlane.StartAsync(settings: new() { ["Management:MaxBodyBytes"] = "2048" });
        var xml = "<policies><inbound>" + string.Concat(Enumerable.Repeat("<base />", 400)) + "</inbound></policies>";
        using var request = new HttpRequestMessage(HttpMethod.Put, "/policies") { Content = new StringContent(xml, Encoding.UTF8, Xml) };

        await Problem.AssertAsync(await small.Client.SendAsync(request), 413);
        Assert.Equal("{}", (await small.GetJsonAsync("/policies")).ToJsonString());
    }

    [Theory]
    [InlineData("/policies")]
    [InlineData("/apis/echo/policy")]
    [InlineData("/policy-fragments/common")]
    public async Task Put_OtherMediaType_Is415(string path)
    {
        await Problem.AssertAsync(await SendAsync(HttpMethod.Put, path, "<policies />", "application/xml"), 415);
    }

    [Theory]
    [InlineData("/products/nope/policy")]
    [InlineData("/apis/nope/policy")]
    [InlineData("/apis/echo/operations/nope/policy")]
    public async Task Scope_OwnerMissing_Is404(string path)
    {
        await Problem.AssertAsync(await plane.Client.GetAsync(path), 404);
        await Problem.AssertAsync(await plane.PutAsync(path, """{"inbound":[]}"""), 404);
    }

    [Fact]
    public async Task PutXml_StaleIfMatch_Is412()
    {
        var first = await SendAsync(HttpMethod.Put, "/apis/echo/policy", ApiXml, RawXml);
        var etag = first.Headers.ETag!.Tag;
        await plane.PutOkAsync("/apis/echo/policy", """{"inbound":[]}""");

        await Problem.AssertAsync(await SendAsync(HttpMethod.Put, "/apis/echo/policy", ApiXml, RawXml, etag), 412);
    }

    [Fact]
    public async Task Fragment_CrudInBothForms_IncludedAndExpandedInTheSnapshot()
    {
        var created = await SendAsync(HttpMethod.Put, "/policy-fragments/stamp",
            """<fragment><set-header name="X-Stamp" exists-action="override"><value>edge</value></set-header></fragment>""", Xml);
        Assert.Equal(201, (int)created.StatusCode);
        await plane.PutOkAsync("/policy-fragments/limits", """{"description":"shared limits","policies":[{"type":"rate-limit","calls":3,"renewalPeriod":60}]}""");
        Assert.Equal(2, (await plane.GetJsonAsync("/policy-fragments"))["count"]!.GetValue<int>());
        Assert.Contains("<set-header name=\"X-Stamp\"", await (await GetAsync("/policy-fragments/stamp", Xml)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var put = await SendAsync(HttpMethod.Put, "/apis/echo/policy",
            """<policies><inbound><include-fragment fragment-id="limits" /><base /><include-fragment fragment-id="stamp" /></inbound></policies>""", RawXml);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        Assert.Contains("<include-fragment fragment-id=\"stamp\" />", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await plane.PutOkAsync("/gateways/gw1", """{"apis":["echo"]}""");
        var snapshot = await SnapshotAsync("gw1");
        var inbound = snapshot.Apis![0].Policies!.Inbound!;
        Assert.Equal(["rate-limit", "base", "set-header"], inbound.Select(p => p.Type));
        Assert.Equal("X-Stamp", inbound[2].Attributes!["name"].GetString());
    }

    [Fact]
    public async Task PutXml_IncludeOfMissingFragment_Is422AtTheInclude()
    {
        const string xml = "<policies>\n  <inbound>\n    <include-fragment fragment-id=\"nope\" />\n  </inbound>\n</policies>";

        var problem = await Problem.AssertAsync(await SendAsync(HttpMethod.Put, "/apis/echo/policy", xml, Xml), 422);

        var error = Assert.Single(problem["errors"]!.AsArray());
        Assert.Contains("no policy fragment with id 'nope'", error!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((3, 6), (error["line"]!.GetValue<int>(), error["column"]!.GetValue<int>()));
        Assert.Null((await plane.GetJsonAsync("/apis/echo"))["policies"]);
    }

    [Fact]
    public async Task Fragment_DeleteWhileIncluded_Is409NamingTheUsers()
    {
        await plane.PutOkAsync("/policy-fragments/stamp", """{"policies":[{"type":"set-header","name":"X-Stamp","value":"1"}]}""");
        await plane.PutOkAsync("/apis/echo/operations/get-item/policy", """{"inbound":[{"type":"base"},{"type":"include-fragment","fragmentId":"stamp"}]}""");
        await plane.PutOkAsync("/products/gold/policy", """{"outbound":[{"type":"include-fragment","fragmentId":"stamp"}]}""");

        var problem = await Problem.AssertAsync(await plane.Client.DeleteAsync("/policy-fragments/stamp"), 409);

        Assert.Equal(["apis/echo/operations/get-item", "products/gold"], Problem.ErrorPaths(problem));
        await plane.GetJsonAsync("/policy-fragments/stamp");
        await plane.PutOkAsync("/products/gold/policy", """{"outbound":[]}""");
        await plane.PutOkAsync("/apis/echo/operations/get-item/policy", """{"inbound":[]}""");
        Assert.Equal(204, (int)(await plane.Client.DeleteAsync("/policy-fragments/stamp")).StatusCode);
        await Problem.AssertAsync(await plane.Client.GetAsync("/policy-fragments/stamp"), 404);
    }

    [Fact]
    public async Task Fragment_ChangeThatBreaksAnIncludingScope_Refused()
    {
        await plane.PutOkAsync("/policy-fragments/stamp", """{"policies":[{"type":"set-header","name":"X-Stamp","value":"1"}]}""");
        await plane.PutOkAsync("/apis/echo/policy", """{"inbound":[{"type":"include-fragment","fragmentId":"stamp"}]}""");

        // forward-request may stand only in backend: the fragment is included in inbound.
        var problem = await Problem.AssertAsync(await SendAsync(HttpMethod.Put, "/policy-fragments/stamp", "<fragment>\n  <forward-request />\n</fragment>", Xml), 422);

        var error = Assert.Single(problem["errors"]!.AsArray());
        Assert.Contains("(fragment 'stamp' policies[0])", error!["path"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, error["line"]!.GetValue<int>());
        Assert.Equal("set-header", (await plane.GetJsonAsync("/policy-fragments/stamp"))["policies"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fragment_PutXmlWithBaseOrInclude_Is422AtEachPlace()
    {
        const string xml = "<fragment>\n  <base />\n  <include-fragment fragment-id=\"other\" />\n</fragment>";

        var problem = await Problem.AssertAsync(await SendAsync(HttpMethod.Put, "/policy-fragments/bad", xml, RawXml), 422);

        Assert.Equal([2, 3], problem["errors"]!.AsArray().Select(e => e!["line"]!.GetValue<int>()));
        await Problem.AssertAsync(await plane.Client.GetAsync("/policy-fragments/bad"), 404);
    }

    [Theory]
    [InlineData("""{"policies":[{"type":"base"}]}""")]
    [InlineData("""{"policies":[{"type":"include-fragment","fragmentId":"other"}]}""")]
    [InlineData("""{"policies":[{"type":"no-such-policy"}]}""")]
    [InlineData("""{"description":"no policies"}""")]
    public async Task Fragment_PutJsonNotAFragment_Is400(string json)
    {
        var problem = await Problem.AssertAsync(await plane.PutAsync("/policy-fragments/bad", json), 400);

        Assert.NotEmpty(Problem.ErrorPaths(problem));
        await Problem.AssertAsync(await plane.Client.GetAsync("/policy-fragments/bad"), 404);
    }

    private async Task<GatewaySnapshot> SnapshotAsync(string gatewayId)
    {
        var token = await plane.TokenAsync(gatewayId);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/gateway/v1/gateways/{gatewayId}/snapshot");
        request.Headers.TryAddWithoutValidation("Authorization", token);
        var response = await plane.Anonymous.SendAsync(request);
        SigningKeys.TryImport(await plane.Anonymous.GetStringAsync("/signing-key"), out var publicKey, out _);
        var check = SignedSnapshot.Verify(await response.Content.ReadAsByteArrayAsync(), publicKey!);
        Assert.True(check.IsValid, check.Error);
        return SnapshotReader.Parse(check.Payload!).Snapshot!;
    }

    private Task<HttpResponseMessage> GetAsync(string path, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return plane.Client.SendAsync(request);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string body, string contentType, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(contentType.Contains("xml", StringComparison.Ordinal) && contentType.StartsWith("application/vnd", StringComparison.Ordinal) ? contentType : "application/json"));
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return plane.Client.SendAsync(request);
    }
}
