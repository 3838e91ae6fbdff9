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
    public async Task Binary_IssuedToken_CanBeCopiedFromTheAnswerAsShown()
    {
        using var admin = Admin();
        await OkAsync(await admin.PutAsync("/gateways/gw-copy", TestPlane.Json("""{"apis":[]}""")));
        var expiry = DateTimeOffset.UtcNow.AddDays(2).ToString("O");

        var response = await admin.PostAsync("/gateways/gw-copy/token", TestPlane.Json($$"""{"keyType":"primary","expiry":"{{expiry}}"}"""));

        // A person copies the token out of the raw JSON: '&' and '+' must appear as themselves, not as \u0026 / \u002B.
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, raw);
        var token = JsonNode.Parse(raw)!["value"]!.GetValue<string>();
        Assert.Contains("\"value\":\"" + token + "\"", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", raw, StringComparison.Ordinal);
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
    public async Task Binary_IdsWithTrailingNewline_Are400Not500()
    {
        using var admin = Admin();
        await OkAsync(await admin.PutAsync("/apis/nl", TestPlane.Json("""{"path":"/nl","backend":{"urls":["http://127.0.0.1:9"]}}""")));
        await OkAsync(await admin.PutAsync("/gateways/gw-nl", TestPlane.Json("""{"apis":["nl"]}""")));
        var expiry = DateTimeOffset.UtcNow.AddDays(2).ToString("O");
        var token = (await OkAsync(await admin.PostAsync("/gateways/gw-nl/token", TestPlane.Json($$"""{"keyType":"primary","expiry":"{{expiry}}"}"""))))["value"]!.GetValue<string>();
        using var gateway = new HttpClient { BaseAddress = plane.BaseAddress };
        gateway.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);

        var beat = await Problem.AssertAsync(await gateway.PostAsync(SyncProtocol.HeartbeatPath("gw-nl"), TestPlane.Json("""{"instanceId":"aot-1\n","appliedRevision":1}""")), 400);
        Assert.Contains("instanceId", Problem.ErrorPaths(beat));
        await Problem.AssertAsync(await gateway.GetAsync("/gateway/v1/gateways/gw-nl%0A/snapshot"), 400);
        await Problem.AssertAsync(await admin.PutAsync("/apis/nl%0A", TestPlane.Json("""{"path":"/nl2","backend":{"urls":["http://127.0.0.1:9"]}}""")), 400);
        var header = await Problem.AssertAsync(await admin.PutAsync("/apis/nl", TestPlane.Json("""{"path":"/nl","subscriptionKeyParameterNames":{"header":"X-Key\n"},"backend":{"urls":["http://127.0.0.1:9"]}}""")), 400);
        Assert.Contains(Problem.ErrorPaths(header), p => p.EndsWith("subscriptionKeyParameterNames.header", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Binary_DamagedStoredGatewayKey_OtherKeyStillSyncs_TokenFromItIs401_IssuingIs409()
    {
        using var admin = Admin();
        await OkAsync(await admin.PutAsync("/apis/dmg", TestPlane.Json("""{"path":"/dmg","backend":{"urls":["http://127.0.0.1:9"]}}""")));
        await OkAsync(await admin.PutAsync("/gateways/gw-damaged", TestPlane.Json("""{"apis":["dmg"]}""")));
        var expiry = DateTimeOffset.UtcNow.AddDays(2).ToString("O");
        async Task<string> TokenAsync(string keyType) =>
            (await OkAsync(await admin.PostAsync("/gateways/gw-damaged/token", TestPlane.Json($$"""{"keyType":"{{keyType}}","expiry":"{{expiry}}"}"""))))["value"]!.GetValue<string>();
        var primaryToken = await TokenAsync("primary");
        var secondaryToken = await TokenAsync("secondary");

        DamageStoredPrimaryKey("gw-damaged");

        async Task<HttpResponseMessage> SnapshotAsync(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath("gw-damaged"));
            request.Headers.TryAddWithoutValidation("Authorization", token);
            using var client = new HttpClient { BaseAddress = plane.BaseAddress };
            return await client.SendAsync(request);
        }

        // Contained: the gateway's other key still works, so a gateway configured with it keeps syncing.
        Assert.Equal(200, (int)(await SnapshotAsync(secondaryToken)).StatusCode);
        // A token from the damaged key can no longer be checked: refused like any token from a lost key (not a 500).
        await Problem.AssertAsync(await SnapshotAsync(primaryToken), 401);
        var issuing = await Problem.AssertAsync(await admin.PostAsync("/gateways/gw-damaged/token", TestPlane.Json($$"""{"keyType":"primary","expiry":"{{expiry}}"}""")), 409);
        Assert.Contains("primary key of gateway 'gw-damaged' cannot be decrypted", issuing["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("regenerate-key", issuing["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(await plane.PrintedAsync("The stored secret gateways/gw-damaged/primary cannot be decrypted (damaged)"), plane.Output);

        // The fix the answer names works.
        Assert.Equal(204, (int)(await admin.PostAsync("/gateways/gw-damaged/regenerate-key", TestPlane.Json("""{"keyType":"primary"}"""))).StatusCode);
        Assert.Equal(200, (int)(await SnapshotAsync(await TokenAsync("primary"))).StatusCode);
    }

    /// <summary>Replaces the gateway's stored primary key with text that is not base64, as a damaged store would hold.</summary>
    private void DamageStoredPrimaryKey(string gatewayId)
    {
        foreach (var file in Directory.EnumerateFiles(plane.StorePath, "*.json", SearchOption.AllDirectories))
        {
            var node = JsonNode.Parse(File.ReadAllText(file));
            var gateway = (node?["gateways"] as JsonArray)?.FirstOrDefault(g => g?["id"]?.GetValue<string>() == gatewayId);
            if (gateway is null)
            {
                continue;
            }

            gateway["primaryKeyProtected"] = "v1.@@damaged@@";
            var temp = file + ".tmp";
            File.WriteAllText(temp, node!.ToJsonString());
            File.Move(temp, file, overwrite: true);
            return;
        }

        Assert.Fail($"no stored state holds gateway {gatewayId}");
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

    [Fact]
    public async Task Binary_HeartbeatRetentionShorterThanStaleWindow_ExitsNamingTheSetting()
    {
        var output = new StringBuilder();
        var store = Directory.CreateTempSubdirectory("mp-aot-retention-").FullName;
        using var process = PublishedPlane.Start(await PublishedPlane.BinaryAsync(), new()
        {
            ["Management__AdminKeys__0"] = PublishedPlane.AdminKey,
            ["Management__Heartbeats__ForgetAfter"] = "00:02:00",
            ["Management__Store__Disk__Path"] = store,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{PublishedPlane.FreePort()}",
        }, output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        Assert.NotEqual(0, process.ExitCode);
        process.WaitForExit();
        Assert.Contains("Management:Heartbeats:ForgetAfter", output.ToString(), StringComparison.Ordinal);
        Directory.Delete(store, recursive: true);
    }
}
