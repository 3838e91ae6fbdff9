using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// APIM policy XML through the published plane, enforced by the published gateway: an API policy written as APIM's raw XML,
/// with an include-fragment of a fragment written as XML too, reaches the gateway expanded and runs there.
/// </summary>
public sealed class PolicyXmlTests : PlaneFixture
{
    private const string RawXml = "application/vnd.ms-azure-apim.policy.raw+xml";
    private const string Xml = "application/vnd.ms-azure-apim.policy+xml";

    [Fact]
    public async Task ApiPolicyAsApimXml_WithFragment_EnforcedByTheGateway()
    {
        await Plane.ApplyAsync($$"""
            { "schemaVersion": 1,
              "apis": [ { "id": "orders", "path": "/orders", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] } } ],
              "gateways": [ { "id": "gw1", "apis": ["orders"] } ] }
            """);
        await using var gateway = await GatewayProcess.StartAsync("", env: await Plane.GatewayEnvironmentAsync("gw1"));

        using (var fragment = await SendAsync("/policy-fragments/stamp", """
            <fragment>
                <set-header name="X-Stamp" exists-action="override"><value>from-fragment</value></set-header>
            </fragment>
            """, Xml))
        {
            Assert.True(fragment.StatusCode == HttpStatusCode.Created, await fragment.Content.ReadAsStringAsync());
        }

        using (var policy = await SendAsync("/apis/orders/policy", """
            <policies>
                <inbound>
                    <base />
                    <include-fragment fragment-id="stamp" />
                    <set-header name="X-Caller" exists-action="override">
                        <value>@(context.Request.Headers.GetValueOrDefault("X-Who", "anonymous") + "@edge")</value>
                    </set-header>
                </inbound>
                <outbound>
                    <base />
                    <set-header name="X-Served-By" exists-action="override"><value>edge</value></set-header>
                </outbound>
            </policies>
            """, RawXml))
        {
            var written = await policy.Content.ReadAsStringAsync();
            Assert.True(policy.IsSuccessStatusCode, written);
            Assert.Contains("<include-fragment fragment-id=\"stamp\" />", written, StringComparison.Ordinal);
        }

        await gateway.EventuallyAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/1");
            request.Headers.Add("X-Who", "alice");
            using var response = await gateway.Client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK || !response.Headers.Contains("X-Served-By"))
            {
                return false;
            }

            var echo = await Echo.ReadAsync(response);
            return echo.Headers.GetValueOrDefault("x-stamp") == "from-fragment" && echo.Headers.GetValueOrDefault("x-caller") == "alice@edge";
        }, "the XML policy, its fragment expanded, runs at the gateway");

        // The published plane refuses what it cannot translate, with the place.
        using var bomb = await SendAsync("/apis/orders/policy",
            "<!DOCTYPE p [<!ENTITY a \"aaaa\">]>\n<policies><inbound><set-body>&a;</set-body></inbound></policies>", Xml);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bomb.StatusCode);
        Assert.Contains("\"line\":1", await bomb.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var unknown = await SendAsync("/apis/orders/policy", "<policies>\n<inbound>\n<xsl-transform />\n</inbound>\n</policies>", Xml);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Contains("\"line\":3", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var deleteInUse = await Plane.Admin.DeleteAsync("/policy-fragments/stamp");
        Assert.Equal(HttpStatusCode.Conflict, deleteInUse.StatusCode);
    }

    private Task<HttpResponseMessage> SendAsync(string path, string body, string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(contentType));
        return Plane.Admin.SendAsync(request);
    }
}
