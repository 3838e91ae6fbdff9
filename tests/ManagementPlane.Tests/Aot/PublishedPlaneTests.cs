using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Sync;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Aot;

/// <summary>Drives the Native AOT binary as a process: trimming and AOT breaks show only here.</summary>
public sealed class PublishedPlaneTests(PublishedPlane plane) : IClassFixture<PublishedPlane>
{
    private HttpClient Admin()
    {
        var client = new HttpClient { BaseAddress = plane.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PublishedPlane.AdminKey);
        return client;
    }

    private static async Task<JsonNode> OkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
        return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!;
    }

    [Fact]
    public async Task Binary_CreateApiAndFetchSnapshot_SignatureVerifies()
    {
        using var admin = Admin();
        await OkAsync(await admin.PutAsync("/apis/echo", TestPlane.Json("""{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"],"timeout":"00:00:05"}}""")));
        await OkAsync(await admin.PutAsync("/gateways/gw1", TestPlane.Json("""{"apis":["echo"]}""")));
        await OkAsync(await admin.PutAsync("/subscriptions/s1", TestPlane.Json("""{"scope":"apis"}""")));
        var expiry = DateTimeOffset.UtcNow.AddDays(2).ToString("O");
        var token = (await OkAsync(await admin.PostAsync("/gateways/gw1/token", TestPlane.Json($$"""{"keyType":"primary","expiry":"{{expiry}}"}"""))))["value"]!.GetValue<string>();

        using var gateway = new HttpClient { BaseAddress = plane.BaseAddress };
        gateway.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
        var response = await gateway.GetAsync(SyncProtocol.SnapshotPath("gw1"));
        Assert.Equal(200, (int)response.StatusCode);
        SigningKeys.TryImport(await gateway.GetStringAsync("/signing-key"), out var key, out _);
        var check = SignedSnapshot.Verify(await response.Content.ReadAsByteArrayAsync(), key!);
        Assert.True(check.IsValid, check.Error);
        var snapshot = SnapshotReader.Parse(check.Payload!).Snapshot!;
        Assert.Equal("gw1", snapshot.GatewayId);
        Assert.Equal(TimeSpan.FromSeconds(5), snapshot.Apis!.Single().Backend!.Timeout);
        Assert.NotNull(snapshot.Subscriptions!.Single().PrimaryKeyHash);

        var etag = response.Headers.ETag!.Tag;
        using var conditional = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath("gw1") + "?wait=1");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", etag);
        Assert.Equal(304, (int)(await gateway.SendAsync(conditional)).StatusCode);

        var beat = await gateway.PostAsync(SyncProtocol.HeartbeatPath("gw1"), TestPlane.Json("""{"instanceId":"aot-1","appliedRevision":1}"""));
        Assert.Equal(204, (int)beat.StatusCode);
        var status = await OkAsync(await admin.GetAsync("/gateways/gw1/status"));
        Assert.Equal("aot-1", status["instances"]![0]!["instanceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Binary_BadInput_Is4xxProblem()
    {
        using var admin = Admin();
        await Problem.AssertAsync(await admin.PutAsync("/apis/x", TestPlane.Json("""{"path": """)), 400);
        await Problem.AssertAsync(await admin.PutAsync("/apis/x", TestPlane.Json("""{"path":"/x","oops":1}""")), 400);
        var invalid = await Problem.AssertAsync(await admin.PutAsync("/config", TestPlane.Json("""{"schemaVersion":1,"apis":[{"id":"a","path":"/a"}]}""")), 400);
        Assert.Contains("apis[0].backend", Problem.ErrorPaths(invalid));
        using var anonymous = new HttpClient { BaseAddress = plane.BaseAddress };
        await Problem.AssertAsync(await anonymous.GetAsync("/apis"), 401);
        await Problem.AssertAsync(await admin.GetAsync("/nowhere"), 404);
        await Problem.AssertAsync(await admin.PutAsync("/apis/big", TestPlane.Json(new string(' ', 2 * 1024 * 1024))), 413);
    }

    [Fact]
    public async Task Binary_ImportPastMaxImportBytes_Is413NamingTheSetting()
    {
        using var admin = Admin();
        var limit = 8 * 1024 * 1024; // Management:MaxImportBytes default

        // Past Management:MaxBodyBytes (1 MiB) but within the import cap: read and judged on its content, not refused for size.
        var withinCap = await admin.PostAsync("/apis/import?id=big&backendUrl=http://127.0.0.1:9", TestPlane.Json(new string(' ', 2 * 1024 * 1024) + "{}"));
        Assert.NotEqual(413, (int)withinCap.StatusCode);

        // Declared too large, and streamed (chunked, no Content-Length) past the cap.
        var declared = await Problem.AssertAsync(await admin.PostAsync("/apis/import?id=big&backendUrl=http://127.0.0.1:9", TestPlane.Json(new string(' ', limit + 1))), 413);
        Assert.Contains("Management:MaxImportBytes", declared["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var streamed = new StreamContent(new MemoryStream(new byte[limit + 64 * 1024]));
        streamed.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/apis/import?id=big&backendUrl=http://127.0.0.1:9") { Content = streamed };
        chunked.Headers.TransferEncodingChunked = true;
        await Problem.AssertAsync(await admin.SendAsync(chunked), 413);
    }

    [Fact]
    public async Task Binary_OpenApiAndYamlImport_Work()
    {
        using var admin = Admin();
        var document = JsonNode.Parse(await admin.GetStringAsync("/openapi/v1.json"))!;
        Assert.NotNull(document["paths"]!["/apis/{id}"]!["put"]);
        var yaml = new ByteArrayContent(await File.ReadAllBytesAsync(OasExamples.PathOf("2.0/yaml/petstore.yaml")));
        yaml.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        var imported = await OkAsync(await admin.PostAsync("/apis/import?id=pets&backendUrl=http://127.0.0.1:9", yaml));
        Assert.Equal(OasExamples.Operations("2.0/yaml/petstore.yaml").Count, imported["api"]!["operations"]!.AsArray().Count);
    }

    [Fact]
    public async Task Binary_NoAdminKeys_ExitsNamingTheSetting()
    {
        var output = new StringBuilder();
        var store = Directory.CreateTempSubdirectory("mp-aot-nokeys-").FullName;
        using var process = PublishedPlane.Start(await PublishedPlane.BinaryAsync(), new()
        {
            ["Management__Store__Disk__Path"] = store,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{PublishedPlane.FreePort()}",
        }, output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        Assert.NotEqual(0, process.ExitCode);
        process.WaitForExit();
        Assert.Contains("Management:AdminKeys", output.ToString(), StringComparison.Ordinal);
        Directory.Delete(store, recursive: true);
    }
}
