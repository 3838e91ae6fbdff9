using System.Text.Json.Nodes;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Config;

public sealed class ConfigTests : IAsyncLifetime
{
    private const string Document = """
        {
          "schemaVersion": 1,
          "apis": [
            { "id": "echo", "name": "Echo", "path": "/echo", "backend": { "urls": ["http://127.0.0.1:9"] },
              "operations": [ { "id": "get-items", "method": "GET", "urlTemplate": "/items" } ] },
            { "id": "orders", "path": "/orders", "backend": { "urls": ["http://127.0.0.1:10"] } }
          ],
          "products": [ { "id": "starter", "name": "Starter", "apis": ["echo"] } ],
          "subscriptions": [
            { "id": "team-a", "scope": "products/starter", "primaryKey": "plain-key-of-team-a-1234567890" },
            { "id": "all", "scope": "apis" }
          ],
          "namedValues": [ { "id": "region", "value": "eu" }, { "id": "token", "value": "very-secret", "secret": true } ],
          "gateways": [ { "id": "gw1", "apis": ["echo"] }, { "id": "gw2", "apis": ["echo", "orders"] } ]
        }
        """;

    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Fact]
    public async Task PutConfig_IncludeOfAStoredFragment_AcceptedAndMissingOneRefusedAtItsPath()
    {
        await plane.PutOkAsync("/policy-fragments/stamp", """{ "policies": [ { "type": "set-header", "name": "X-Stamp", "value": "1" } ] }""");
        const string WithInclude = """
            { "schemaVersion": 1,
              "apis": [ { "id": "echo", "path": "/echo", "backend": { "urls": ["http://127.0.0.1:9"] },
                          "policies": { "inbound": [ { "type": "include-fragment", "fragmentId": "FRAGMENT" } ] } } ] }
            """;

        await plane.PutOkAsync("/config", WithInclude.Replace("FRAGMENT", "stamp", StringComparison.Ordinal));
        var problem = await Problem.AssertAsync(await plane.PutAsync("/config", WithInclude.Replace("FRAGMENT", "nope", StringComparison.Ordinal)), 400);

        Assert.Contains(problem["errors"]!.AsArray(), e => e!["path"]!.GetValue<string>().StartsWith("apis[0].policies.inbound[0]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PutConfig_ThenGet_RoundTripsWithSecretsRedacted()
    {
        var result = await plane.PutOkAsync("/config", Document);
        Assert.Equal(["echo", "orders"], Ids(result["apis"]!["added"]));
        Assert.Equal(["gw1", "gw2"], Ids(result["gateways"]!["added"]));

        var exported = await plane.GetJsonAsync("/config");
        var text = exported.ToJsonString();
        Assert.DoesNotContain("plain-key-of-team-a", text, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret", text, StringComparison.Ordinal);
        Assert.Equal(2, exported["apis"]!.AsArray().Count);
        Assert.Equal("get-items", exported["apis"]![0]!["operations"]![0]!["id"]!.GetValue<string>());
        Assert.True(exported["namedValues"]![1]!["secret"]!.GetValue<bool>());

        // Re-applying the export changes nothing (not even the revision) and keeps the keys.
        var etag = (await plane.Client.GetAsync("/config")).Headers.ETag;
        var again = await plane.PutOkAsync("/config", text);
        Assert.Equal(etag, (await plane.Client.GetAsync("/config")).Headers.ETag);
        foreach (var kind in new[] { "apis", "products", "subscriptions", "namedValues", "gateways" })
        {
            Assert.Empty(again[kind]!["added"]!.AsArray());
            Assert.Empty(again[kind]!["updated"]!.AsArray());
            Assert.Empty(again[kind]!["removed"]!.AsArray());
        }

        var secrets = await plane.PostJsonAsync("/subscriptions/team-a/list-secrets", "{}");
        Assert.Equal("plain-key-of-team-a-1234567890", secrets["primaryKey"]!.GetValue<string>());
        Assert.Equal("very-secret", (await plane.PostJsonAsync("/named-values/token/list-value", "{}"))["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutConfig_ChangedDocument_ReportsAddedUpdatedRemoved()
    {
        await plane.PutOkAsync("/config", Document);
        var changed = JsonNode.Parse(Document)!;
        changed["apis"]!.AsArray().RemoveAt(1);
        changed["gateways"]![1]!["apis"] = new JsonArray("echo");
        changed["apis"]![0]!["name"] = "Echo v2";
        changed["products"]!.AsArray().Add(new JsonObject { ["id"] = "gold", ["apis"] = new JsonArray("echo") });
        var result = await plane.PutOkAsync("/config", changed.ToJsonString());
        Assert.Equal(["orders"], Ids(result["apis"]!["removed"]));
        Assert.Equal(["echo"], Ids(result["apis"]!["updated"]));
        Assert.Equal(["gold"], Ids(result["products"]!["added"]));
        Assert.Equal(["gw2"], Ids(result["gateways"]!["updated"]));
    }

    [Fact]
    public async Task PutConfig_GatewayKeys_SurviveReapply()
    {
        await plane.PutOkAsync("/config", Document);
        var token = await plane.TokenAsync("gw1");
        await plane.PutOkAsync("/config", Document.Replace("\"Echo\"", "\"Echo 2\"", StringComparison.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/gateway/v1/gateways/gw1/snapshot");
        request.Headers.TryAddWithoutValidation("Authorization", token);
        Assert.Equal(200, (int)(await plane.Anonymous.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task PutConfig_Invalid_Is400WithEveryProblemAndStateUnchanged()
    {
        await plane.PutOkAsync("/config", Document);
        var before = await plane.Client.GetAsync("/config");
        var beforeBody = await before.Content.ReadAsStringAsync();

        var bad = JsonNode.Parse(Document)!;
        bad["apis"]![0]!["backend"]!["urls"]![0] = "not a url";
        bad["products"]![0]!["apis"]![0] = "missing-api";
        bad["gateways"]![0]!["apis"]![0] = "ghost";
        bad["apis"]![1]!["policies"] = JsonNode.Parse("""{"inbound":[{"type":"made-up-policy"}]}""");
        var problem = await Problem.AssertAsync(await plane.PutAsync("/config", bad.ToJsonString()), 400);
        var paths = Problem.ErrorPaths(problem).ToList();
        Assert.Contains("apis[0].backend.urls[0]", paths);
        Assert.Contains("products[0].apis[0]", paths);
        Assert.Contains("gateways[0].apis[0]", paths);
        Assert.Contains("apis[1].policies.inbound[0].type", paths);

        var after = await plane.Client.GetAsync("/config");
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);
        Assert.Equal(beforeBody, await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PutConfig_ExpressionOutsideTheSubset_400WithTheGatewaysMessage()
    {
        const string expression = "@(context.Request.Body.As<string>())";
        var bad = JsonNode.Parse(Document)!;
        bad["apis"]![1]!["policies"] = JsonNode.Parse($$$"""
            {"inbound":[{"type":"set-header","name":"X-Body","value":"{{{expression}}}"},{"type":"set-header","name":"X-Token","value":"@(\"{{token}}\")"}]}
            """);

        var problem = await Problem.AssertAsync(await plane.PutAsync("/config", bad.ToJsonString()), 400);

        var expected = Assert.Single(PolicyExpressions.CompileValue(expression, NamedValueSet.Empty, Sections.Inbound).Errors);
        var errors = problem["errors"]!.AsArray().Select(e => (Path: e!["path"]!.GetValue<string>(), Message: e["message"]!.GetValue<string>())).ToList();
        Assert.Contains(("apis[1].policies.inbound[0].value", expected), errors);
        Assert.DoesNotContain(errors, e => e.Path == "apis[1].policies.inbound[1].value");
    }

    [Fact]
    public async Task PutConfig_UnknownFieldAndStaleIfMatch_Are4xxProblems()
    {
        var unknown = await plane.PutAsync("/config", """{"schemaVersion":1,"apis":[{"id":"a","path":"/a","backend":{"urls":["http://x"]},"colour":"red"}]}""");
        Assert.Contains("apis[0].colour", Problem.ErrorPaths(await Problem.AssertAsync(unknown, 400)));
        var first = await plane.PutAsync("/config", Document);
        var etag = first.Headers.ETag!.Tag;
        await plane.PutOkAsync("/config", Document.Replace("\"Echo\"", "\"Echo 2\"", StringComparison.Ordinal));
        await Problem.AssertAsync(await plane.PutAsync("/config", Document, etag), 412);
        var missingVersion = await plane.PutAsync("/config", """{"apis":[]}""");
        Assert.Contains("schemaVersion", Problem.ErrorPaths(await Problem.AssertAsync(missingVersion, 400)));
    }

    private static string[] Ids(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();
}
