using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Sync;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>What a hybrid gateway accepts from a management plane: signatures, revisions, gateway ids, TLS trust.</summary>
public sealed class SyncTrustTests : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();
    private TestBackend backend = null!;

    public async Task InitializeAsync() => backend = await TestBackend.StartAsync();

    public async Task DisposeAsync()
    {
        await backend.DisposeAsync();
        folder.Dispose();
    }

    private string Snapshot(long revision, string gatewayId, string path) => $$"""
        { "schemaVersion": 1, "revision": {{revision}}, "gatewayId": "{{gatewayId}}",
          "apis": [ { "id": "a", "path": "{{path}}", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] } } ] }
        """;

    /// <summary>
    /// A management plane stand-in that serves whatever signed bytes the test hands it: the only way to put a
    /// bad signature, an old revision or another gateway's snapshot in front of the real gateway binary.
    /// </summary>
    private sealed class CraftedSnapshots
    {
        public volatile byte[] Body = [];
        public long Revision;

        /// <summary>The signed confirmation header sent with every answer (200 and 304), when set.</summary>
        public volatile string? Confirmation;

        public void Map(WebApplication app)
        {
            app.MapGet("/gateway/v1/gateways/{id}/snapshot", async (HttpContext c) =>
            {
                if (Confirmation is { } confirmation)
                {
                    c.Response.Headers[SyncProtocol.ConfirmationHeader] = confirmation;
                }

                var etag = SyncProtocol.ETag(Interlocked.Read(ref Revision));
                if (c.Request.Headers.IfNoneMatch.ToString() == etag)
                {
                    await Task.Delay(300, c.RequestAborted);
                    c.Response.StatusCode = 304;
                    return;
                }

                c.Response.Headers.ETag = etag;
                c.Response.ContentType = "application/json";
                await c.Response.Body.WriteAsync(Body, c.RequestAborted);
            });
            app.MapPost("/gateway/v1/gateways/{id}/heartbeat", () => Results.NoContent());
        }

        public void Serve(byte[] body, long revision)
        {
            Body = body;
            Interlocked.Exchange(ref Revision, revision);
        }
    }

    [Fact]
    public async Task Snapshots_BadSignatureOlderRevisionOrForeignGateway_AreRefused_ValidNewerApplied()
    {
        using var trusted = SigningKeys.Generate();
        using var other = SigningKeys.Generate();
        var crafted = new CraftedSnapshots();
        crafted.Serve(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Snapshot(5, "gw1", "/v5")), trusted), 5);
        await using var plane = await TestBackend.StartAsync("fake-plane", crafted.Map);
        await using var gateway = await GatewayProcess.StartAsync("", env: new Dictionary<string, string>
        {
            ["Gateway__Id"] = "gw1",
            ["ManagementPlane__Url"] = plane.Url,
            ["ManagementPlane__Token"] = "GatewayKey gw1&209901010000&c2lnbmF0dXJl",
            ["Trust__SigningKey"] = SigningKeys.ExportPublicPem(trusted),
            ["ManagementPlane__MaxBackoff"] = "00:00:00.5",
        });
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/v5/x")).StatusCode);

        async Task RefusedAsync(byte[] body, long revision, string reason)
        {
            crafted.Serve(body, revision);
            await gateway.EventuallyAsync(async () =>
            {
                var status = await gateway.StatusAsync();
                return status.TryGetProperty("lastConfigError", out var e) && e.GetProperty("problems")[0].GetString()!.Contains(reason, StringComparison.Ordinal);
            }, $"refusal: {reason}");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/v5/x")).StatusCode);
        }

        await RefusedAsync(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Snapshot(6, "gw1", "/v6")), other), 6, "foreign or rotated key");
        var tampered = Encoding.UTF8.GetString(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Snapshot(7, "gw1", "/v7")), trusted));
        var payload = JsonDocument.Parse(tampered).RootElement.GetProperty("payload").GetString()!;
        await RefusedAsync(Encoding.UTF8.GetBytes(tampered.Replace(payload, System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Snapshot(7, "gw1", "/evil"))), StringComparison.Ordinal)), 7, "signature does not match");
        await RefusedAsync(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Snapshot(3, "gw1", "/v3")), trusted), 3, "older than the applied revision 5");
        await RefusedAsync(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Snapshot(8, "gw2", "/v8")), trusted), 8, "for gateway 'gw2', not 'gw1'");
        await RefusedAsync(Encoding.UTF8.GetBytes(Snapshot(9, "gw1", "/v9")), 9, "not signed");

        crafted.Serve(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Snapshot(10, "gw1", "/v10")), trusted), 10);
        await gateway.EventuallyAsync(async () => (await gateway.Client.GetAsync("/v10/x")).StatusCode == HttpStatusCode.OK, "valid newer snapshot applied");
        foreach (var path in new[] { "/v6/x", "/v7/x", "/evil/x", "/v3/x", "/v8/x", "/v9/x" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync(path)).StatusCode);
        }
    }

    private static Dictionary<string, string> HybridEnv(string planeUrl, ECDsa trusted, string? backupPath = null)
    {
        var env = new Dictionary<string, string>
        {
            ["Gateway__Id"] = "gw1",
            ["ManagementPlane__Url"] = planeUrl,
            ["ManagementPlane__Token"] = "GatewayKey gw1&209901010000&c2lnbmF0dXJl",
            ["Trust__SigningKey"] = SigningKeys.ExportPublicPem(trusted),
            ["ManagementPlane__MaxBackoff"] = "00:00:00.5",
            ["ManagementPlane__StartupTimeout"] = "00:00:03",
        };
        if (backupPath is not null)
        {
            env["Backup__Provider"] = "disk";
            env["Backup__Disk__Path"] = backupPath;
        }

        return env;
    }

    private async Task<string> LastConfigErrorAsync(GatewayProcess gateway) =>
        (await gateway.StatusAsync()).TryGetProperty("lastConfigError", out var e) ? e.GetProperty("problems")[0].GetString()! : "";

    /// <summary>A gateway synced from the crafted plane at <paramref name="revision"/>, its snapshot (and confirmation, if sent) backed up.</summary>
    private async Task BackUpAsync(CraftedSnapshots crafted, string planeUrl, ECDsa trusted, string backups, long revision)
    {
        await using var writer = await GatewayProcess.StartAsync("", env: HybridEnv(planeUrl, trusted, backups));
        await writer.EventuallyAsync(async () =>
        {
            var status = await writer.StatusAsync();
            return status.GetProperty("backup").TryGetProperty("lastRevision", out var r) && r.GetInt64() == revision
                && (crafted.Confirmation is null || File.Exists(Path.Combine(backups, "gateways", "gw1", "confirmation.json")));
        }, $"revision {revision} backed up");
    }

    [Fact]
    public async Task SnapshotLargerThanMaxSnapshotBytes_IsRefusedWithoutReading_LastGoodKeepsServing()
    {
        using var trusted = SigningKeys.Generate();
        var crafted = new CraftedSnapshots();
        crafted.Serve(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Snapshot(5, "gw1", "/v5")), trusted), 5);
        await using var plane = await TestBackend.StartAsync("fake-plane", crafted.Map);
        var env = HybridEnv(plane.Url, trusted);
        env["ManagementPlane__MaxSnapshotBytes"] = "4096";
        await using var gateway = await GatewayProcess.StartAsync("", env: env);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/v5/x")).StatusCode);

        // A valid, signed, newer snapshot: only its size is wrong (sent chunked, so no Content-Length tells it in advance).
        var big = Snapshot(6, "gw1", "/v6").Replace("\"apis\"", $"\"namedValues\": [ {{ \"id\": \"pad\", \"value\": \"{new string('x', 8000)}\" }} ], \"apis\"", StringComparison.Ordinal);
        crafted.Serve(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(big), trusted), 6);
        await gateway.EventuallyAsync(async () => (await LastConfigErrorAsync(gateway)).Contains("larger than ManagementPlane:MaxSnapshotBytes (4096 bytes)", StringComparison.Ordinal),
            "too-large answer refused");
        Assert.Equal("refused", (await gateway.StatusAsync()).GetProperty("managementPlane").GetProperty("state").GetString());
        await gateway.PrintedAsync("larger than ManagementPlane:MaxSnapshotBytes");
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/v5/x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync("/v6/x")).StatusCode);
    }

    [Fact]
    public async Task BackupNamedAboveItsRevision_IsSkipped_GatewayStartsFromTheGenuineOne()
    {
        using var trusted = SigningKeys.Generate();
        var crafted = new CraftedSnapshots();
        crafted.Serve(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Snapshot(5, "gw1", "/v5")), trusted), 5);
        var backups = folder.File_("backups");
        await using (var plane = await TestBackend.StartAsync("fake-plane", crafted.Map))
        {
            await BackUpAsync(crafted, plane.Url, trusted, backups, 5);
        }

        // Someone with write access to the store plants an old signed snapshot (revision 3) under a high name.
        var planted = Path.Combine(backups, "gateways", "gw1", "snapshots", "0000000000000000099-0123456789ab.json");
        await File.WriteAllBytesAsync(planted, SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Snapshot(3, "gw1", "/v3")), trusted));

        await using var gateway = await GatewayProcess.StartAsync("", env: HybridEnv($"http://127.0.0.1:{Ports.Free()}", trusted, backups));
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/v5/x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync("/v3/x")).StatusCode);
        await gateway.PrintedAsync("its name says revision 99, but the snapshot inside is revision 3");
    }

    [Fact]
    public async Task StartedFromBackup_OlderSnapshotFromThePlane_IsRefusedAsRollback()
    {
        using var trusted = SigningKeys.Generate();
        var crafted = new CraftedSnapshots();
        crafted.Serve(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Snapshot(5, "gw1", "/v5")), trusted), 5);
        var backups = folder.File_("backups");
        await using var plane = await TestBackend.StartAsync("fake-plane", crafted.Map);
        await BackUpAsync(crafted, plane.Url, trusted, backups, 5);

        // The plane (or whoever answers in its place) now offers an older signed snapshot: a restart must not make it acceptable.
        crafted.Serve(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Snapshot(3, "gw1", "/v3")), trusted), 3);
        await using var gateway = await GatewayProcess.StartAsync("", env: HybridEnv(plane.Url, trusted, backups));
        await gateway.EventuallyAsync(async () => (await LastConfigErrorAsync(gateway)).Contains("revision 3 is older than the backed-up revision 5", StringComparison.Ordinal),
            "rollback refused");
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/v5/x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync("/v3/x")).StatusCode);
    }

    [Fact]
    public async Task MaxSnapshotAge_StartFromBackup_AcceptsRecentConfirmation_RefusesOldOrForeignOne()
    {
        using var trusted = SigningKeys.Generate();
        var crafted = new CraftedSnapshots();
        crafted.Serve(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Snapshot(5, "gw1", "/v5")), trusted), 5);
        // The plane's last word on revision 5 was two days ago (signed as the plane signs it).
        crafted.Confirmation = new SnapshotConfirmation("gw1", 5, DateTimeOffset.UtcNow.AddDays(-2)).Sign(trusted);
        var backups = folder.File_("backups");
        await using (var plane = await TestBackend.StartAsync("fake-plane", crafted.Map))
        {
            await BackUpAsync(crafted, plane.Url, trusted, backups, 5);
        }

        var planeDown = $"http://127.0.0.1:{Ports.Free()}";
        async Task<string> RefusedStartAsync(string maxAge)
        {
            var refusedEnv = HybridEnv(planeDown, trusted, backups);
            refusedEnv["Trust__MaxSnapshotAge"] = maxAge;
            await using var refused = GatewayProcess.Launch("", env: refusedEnv);
            Assert.Equal(1, await refused.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            return refused.Output;
        }

        // Older than the bound: not started from the backup (and the plane is down: nothing to serve, exit 1).
        Assert.Contains("longer than Trust:MaxSnapshotAge (1.00:00:00)", await RefusedStartAsync("1.00:00:00"), StringComparison.Ordinal);

        // Within the bound: started from the backup although the snapshot itself is unchanged for days.
        var env = HybridEnv(planeDown, trusted, backups);
        env["Trust__MaxSnapshotAge"] = "3.00:00:00";
        await using (var started = await GatewayProcess.StartAsync("", env: env))
        {
            Assert.Equal(HttpStatusCode.OK, (await started.Client.GetAsync("/v5/x")).StatusCode);
        }

        // A confirmation for another gateway, planted beside the snapshots, vouches for nothing here.
        var confirmation = Path.Combine(backups, "gateways", "gw1", "confirmation.json");
        await File.WriteAllTextAsync(confirmation, new SnapshotConfirmation("gw2", 5, DateTimeOffset.UtcNow).Sign(trusted));
        Assert.Contains("the backed-up confirmation is for gateway 'gw2', not 'gw1'", await RefusedStartAsync("3.00:00:00"), StringComparison.Ordinal);

        // One vouching for a newer revision than the newest backup: newer backups were removed.
        await File.WriteAllTextAsync(confirmation, new SnapshotConfirmation("gw1", 9, DateTimeOffset.UtcNow).Sign(trusted));
        Assert.Contains("newer backups are missing", await RefusedStartAsync("3.00:00:00"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManagementPlaneBehindHttps_SyncsWithCaCertificate_RefusesWithout()
    {
        var certificates = new TestCertificates(folder.Path);
        await using var mp = await ManagementPlaneProcess.StartAsync(folder.Path);
        await mp.ApplyAsync(HybridSyncTests.Config(backend.Url, "gw1", ("echo", "/echo")));

        // TLS in front of the management plane: an EdgeGateway with a certificate from the private CA.
        var frontConfig = folder.File_("front.json");
        await File.WriteAllTextAsync(frontConfig, $$"""
            { "schemaVersion": 1, "apis": [ { "id": "mp", "path": "/", "subscriptionRequired": false, "backend": { "urls": ["{{mp.Url}}"] } } ] }
            """);
        var tlsPort = Ports.Free();
        await using var front = GatewayProcess.Launch(frontConfig, ["--urls", $"https://127.0.0.1:{tlsPort}",
            $"--Gateway:Tls:CertificatePath={certificates.CertificatePath}", $"--Gateway:Tls:KeyPath={certificates.KeyPath}"]);
        using (var probe = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        }) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact })
        {
            await front.EventuallyAsync(async () =>
            {
                try
                {
                    using var r = await probe.GetAsync($"https://127.0.0.1:{tlsPort}/signing-key");
                    return r.IsSuccessStatusCode && r.Version == HttpVersion.Version20;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "TLS front answers over HTTP/2");
        }

        var env = await mp.GatewayEnvironmentAsync("gw1");
        env["ManagementPlane__Url"] = $"https://127.0.0.1:{tlsPort}";
        env["ManagementPlane__StartupTimeout"] = "00:00:03";

        await using (var untrusting = GatewayProcess.Launch("", env: env))
        {
            Assert.Equal(1, await untrusting.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("SSL", untrusting.Output, StringComparison.OrdinalIgnoreCase);
        }

        env["ManagementPlane__CaCertificatePath"] = certificates.CaPath;
        await using var trusting = await GatewayProcess.StartAsync("", env: env);
        Assert.Equal(HttpStatusCode.OK, (await trusting.Client.GetAsync("/echo/x")).StatusCode);
    }

    [Theory]
    [InlineData("3.0/json/petstore.json", "application/json", "/pet/42", "/pet/42/nope")]
    [InlineData("2.0/yaml/petstore.yaml", "application/yaml", "/store/order/7", "/store/nope")]
    public async Task ImportedOpenApi_ServedOnImportedPaths(string document, string contentType, string inSpec, string notInSpec)
    {
        await using var mp = await ManagementPlaneProcess.StartAsync(folder.Path);
        await mp.ApplyAsync(HybridSyncTests.Config(backend.Url, "gw1", ("echo", "/echo")));
        var path = Path.Combine(GatewayBinary.RepoRoot, "tests", "ManagementPlane.Tests", "oas", "node_modules", "@readme", "oas-examples", document);
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(path));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var import = await mp.Admin.PostAsync($"/apis/import?id=petstore&path=/petstore&backendUrl={Uri.EscapeDataString(backend.Url)}", content);
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        using var assign = await mp.Admin.PutAsync("/gateways/gw1/apis/petstore", null);
        Assert.True(assign.IsSuccessStatusCode, await assign.Content.ReadAsStringAsync());

        await using var gateway = await GatewayProcess.StartAsync("", env: await mp.GatewayEnvironmentAsync("gw1"));

        // Imported APIs require subscription keys (APIM's default): give this test one through the API.
        using var sub = await mp.Admin.PutAsync("/subscriptions/tester", new StringContent("""{ "scope": "apis/petstore" }""", Encoding.UTF8, "application/json"));
        Assert.True(sub.IsSuccessStatusCode, await sub.Content.ReadAsStringAsync());
        using var secrets = await mp.Admin.PostAsync("/subscriptions/tester/list-secrets", null);
        var key = JsonDocument.Parse(await secrets.Content.ReadAsStringAsync()).RootElement.GetProperty("primaryKey").GetString()!;
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        client.DefaultRequestHeaders.Add("Ocp-Apim-Subscription-Key", key);

        await gateway.EventuallyAsync(async () => (await client.GetAsync("/petstore" + inSpec)).StatusCode == HttpStatusCode.OK, "imported operation served");
        using var response = await client.GetAsync("/petstore" + inSpec);
        Assert.Equal(inSpec, (await Echo.ReadAsync(response)).Path);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/petstore" + notInSpec)).StatusCode);
    }
}
