using System.Text.Json.Nodes;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Resources;

public sealed class ResourceTests : IAsyncLifetime
{
    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Fact]
    public async Task Api_CreateReadUpdateDelete_WorksWithETags()
    {
        var created = await plane.PutAsync("/apis/echo", """{"name":"Echo","path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""");
        Assert.Equal(201, (int)created.StatusCode);
        var etag = created.Headers.ETag!.Tag;

        var read = await plane.Client.GetAsync("/apis/echo");
        Assert.Equal(etag, read.Headers.ETag!.Tag);

        var updated = await plane.PutAsync("/apis/echo", """{"name":"Echo 2","path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""", etag);
        Assert.Equal(200, (int)updated.StatusCode);
        Assert.NotEqual(etag, updated.Headers.ETag!.Tag);

        var stale = await plane.PutAsync("/apis/echo", """{"name":"Echo 3","path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""", etag);
        await Problem.AssertAsync(stale, 412);
        Assert.Equal("Echo 2", (await plane.GetJsonAsync("/apis/echo"))["name"]!.GetValue<string>());

        var list = await plane.GetJsonAsync("/apis");
        Assert.Equal(1, list["count"]!.GetValue<int>());

        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, "/apis/echo");
        staleDelete.Headers.TryAddWithoutValidation("If-Match", etag);
        await Problem.AssertAsync(await plane.Client.SendAsync(staleDelete), 412);

        Assert.Equal(204, (int)(await plane.Client.DeleteAsync("/apis/echo")).StatusCode);
        await Problem.AssertAsync(await plane.Client.GetAsync("/apis/echo"), 404);
        await Problem.AssertAsync(await plane.Client.DeleteAsync("/apis/echo"), 404);
    }

    [Fact]
    public async Task Put_IfNoneMatchStarOnExisting_Is412()
    {
        await plane.PutOkAsync("/named-values/nv1", """{"value":"a"}""");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/named-values/nv1") { Content = TestPlane.Json("""{"value":"b"}""") };
        request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        await Problem.AssertAsync(await plane.Client.SendAsync(request), 412);
    }

    [Fact]
    public async Task Operations_PutAndDelete_ChangeTheApi()
    {
        await plane.PutOkAsync("/apis/echo", """{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""");
        await plane.PutOkAsync("/apis/echo/operations/get-item", """{"method":"GET","urlTemplate":"/items/{id}"}""");
        await plane.PutOkAsync("/apis/echo/operations/add-item", """{"method":"POST","urlTemplate":"/items"}""");
        var operations = await plane.GetJsonAsync("/apis/echo/operations");
        Assert.Equal(2, operations["count"]!.GetValue<int>());

        // A PUT of the API without operations keeps them.
        await plane.PutOkAsync("/apis/echo", """{"path":"/echo2","backend":{"urls":["http://127.0.0.1:9"]}}""");
        Assert.Equal(2, (await plane.GetJsonAsync("/apis/echo"))["operations"]!.AsArray().Count);

        var conflict = await plane.PutAsync("/apis/echo/operations/dup", """{"method":"GET","urlTemplate":"/items/{other}"}""");
        var problem = await Problem.AssertAsync(conflict, 400);
        Assert.Contains(Problem.ErrorPaths(problem), p => p.Contains("operations[", StringComparison.Ordinal));

        Assert.Equal(204, (int)(await plane.Client.DeleteAsync("/apis/echo/operations/get-item")).StatusCode);
        Assert.Single((await plane.GetJsonAsync("/apis/echo"))["operations"]!.AsArray());
        await Problem.AssertAsync(await plane.PutAsync("/apis/nope/operations/x", """{"method":"GET","urlTemplate":"/x"}"""), 404);
    }

    [Fact]
    public async Task Subscription_Keys_ShownOnlyByListSecretsAndRegenerated()
    {
        await plane.PutOkAsync("/apis/echo", """{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""");
        await plane.PutOkAsync("/products/starter", """{"name":"Starter","apis":["echo"]}""");
        var created = await plane.PutOkAsync("/subscriptions/s1", """{"scope":"products/starter","name":"Team A"}""");
        Assert.Null(created["primaryKey"]);
        var listed = await plane.GetJsonAsync("/subscriptions");
        Assert.DoesNotContain("Key\"", listed.ToJsonString(), StringComparison.Ordinal);

        var secrets = await plane.PostJsonAsync("/subscriptions/s1/list-secrets", "{}");
        var primary = secrets["primaryKey"]!.GetValue<string>();
        var secondary = secrets["secondaryKey"]!.GetValue<string>();
        Assert.True(primary.Length >= 40);
        Assert.NotEqual(primary, secondary);

        await plane.PostJsonAsync("/subscriptions/s1/regenerate-primary-key", "{}");
        var after = await plane.PostJsonAsync("/subscriptions/s1/list-secrets", "{}");
        Assert.NotEqual(primary, after["primaryKey"]!.GetValue<string>());
        Assert.Equal(secondary, after["secondaryKey"]!.GetValue<string>());

        // Stored encrypted: neither key nor its plain text appears in the store.
        var head = await File.ReadAllTextAsync(Path.Combine(plane.StorePath, "state", "head.json"));
        Assert.DoesNotContain(secondary, head, StringComparison.Ordinal);
        var stored = JsonNode.Parse(head)!["subscriptions"]![0]!;
        Assert.Equal(SubscriptionKeyHash.Compute(secondary), stored["secondaryKeyHash"]!.GetValue<string>());

        await plane.PutOkAsync("/subscriptions/s1", """{"state":"suspended"}""");
        Assert.Equal("suspended", (await plane.GetJsonAsync("/subscriptions/s1"))["state"]!.GetValue<string>());
        await Problem.AssertAsync(await plane.PutAsync("/subscriptions/s2", """{"scope":"products/none"}"""), 400);
    }

    [Fact]
    public async Task DeleteApi_ReferencedBySubscription_Is409AndKeepsIt()
    {
        await plane.PutOkAsync("/apis/echo", """{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""");
        await plane.PutOkAsync("/subscriptions/s1", """{"scope":"apis/echo"}""");
        var problem = await Problem.AssertAsync(await plane.Client.DeleteAsync("/apis/echo"), 409);
        Assert.Contains("subscriptions[0].scope", Problem.ErrorPaths(problem));
        Assert.Equal(200, (int)(await plane.Client.GetAsync("/apis/echo")).StatusCode);
    }

    [Fact]
    public async Task NamedValue_Secret_NeverReturnedByGet()
    {
        await plane.PutOkAsync("/named-values/plain", """{"value":"visible"}""");
        await plane.PutOkAsync("/named-values/hidden", """{"value":"s3cr3t-value","secret":true}""");
        var list = (await plane.GetJsonAsync("/named-values")).ToJsonString();
        Assert.Contains("visible", list, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", list, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", (await plane.GetJsonAsync("/named-values/hidden")).ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", (await plane.GetJsonAsync("/config")).ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", await File.ReadAllTextAsync(Path.Combine(plane.StorePath, "state", "head.json")), StringComparison.Ordinal);
        Assert.Equal("s3cr3t-value", (await plane.PostJsonAsync("/named-values/hidden/list-value", "{}"))["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task GlobalPolicies_PutUnknownType_Is400AndValidOneStored()
    {
        var bad = await plane.PutAsync("/policies", """{"inbound":[{"type":"no-such-policy"}]}""");
        Assert.Contains("inbound[0].type", Problem.ErrorPaths(await Problem.AssertAsync(bad, 400)).Select(p => p.Replace("policies.", "", StringComparison.Ordinal)));
        await plane.PutOkAsync("/policies", """{"inbound":[],"outbound":[]}""");
        var stored = await plane.GetJsonAsync("/policies");
        Assert.NotNull(stored["outbound"]);
    }

    [Fact]
    public async Task Gateway_AssignAndUnassignApi_UpdatesItsApis()
    {
        await plane.PutOkAsync("/apis/echo", """{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""");
        await plane.PutOkAsync("/gateways/gw1", """{"name":"Edge 1"}""");
        var response = await plane.Client.PutAsync("/gateways/gw1/apis/echo", null);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(["echo"], (await plane.GetJsonAsync("/gateways/gw1"))["apis"]!.AsArray().Select(a => a!.GetValue<string>()));
        await Problem.AssertAsync(await plane.Client.PutAsync("/gateways/gw1/apis/nope", null), 404);
        Assert.Equal(200, (int)(await plane.Client.DeleteAsync("/gateways/gw1/apis/echo")).StatusCode);
        Assert.Empty((await plane.GetJsonAsync("/gateways/gw1"))["apis"]!.AsArray());
        await Problem.AssertAsync(await plane.PutAsync("/gateways/gw2", """{"apis":["nope"]}"""), 400);
    }
}
