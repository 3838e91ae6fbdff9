using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Sync;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ManagementPlane.Tests.Sync;

public sealed class SyncEndpointTests : IAsyncLifetime
{
    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    private Task<HttpResponseMessage> SnapshotAsync(string token, string? ifNoneMatch = null, string gateway = "gw1", string query = "") =>
        SnapshotAsync(plane, token, ifNoneMatch, gateway, query);

    private static Task<HttpResponseMessage> SnapshotAsync(TestPlane plane, string token, string? ifNoneMatch = null, string gateway = "gw1", string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath(gateway) + query);
        request.Headers.TryAddWithoutValidation("Authorization", token);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return plane.Anonymous.SendAsync(request);
    }

    [Fact]
    public async Task Snapshot_Signed_VerifiesWithPublishedKeyAndCarriesHashesOnly()
    {
        var token = await plane.SeedGatewayAsync();
        await plane.PutOkAsync("/apis/other", """{"path":"/other","backend":{"urls":["http://127.0.0.1:9"]}}""");
        await plane.PutOkAsync("/products/p1", """{"apis":["echo","other"]}""");
        await plane.PutOkAsync("/subscriptions/s1", """{"scope":"products/p1"}""");
        await plane.PutOkAsync("/subscriptions/s2", """{"scope":"apis/other"}""");
        await plane.PutOkAsync("/named-values/region", """{"value":"eu"}""");
        var keys = await plane.PostJsonAsync("/subscriptions/s1/list-secrets", "{}");

        var response = await SnapshotAsync(token);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var envelope = await response.Content.ReadAsByteArrayAsync();

        SigningKeys.TryImport(await plane.Anonymous.GetStringAsync("/signing-key"), out var publicKey, out _);
        var check = SignedSnapshot.Verify(envelope, publicKey!);
        Assert.True(check.IsValid, check.Error);
        var snapshot = SnapshotReader.Parse(check.Payload!).Snapshot!;
        Assert.Equal("gw1", snapshot.GatewayId);
        Assert.Equal(SyncProtocol.ETag(snapshot.Revision), response.Headers.ETag!.Tag);
        Assert.Equal(["echo"], snapshot.Apis!.Select(a => a.Id));
        Assert.Equal(["echo"], snapshot.Products!.Single().Apis);
        var subscription = Assert.Single(snapshot.Subscriptions!);
        Assert.Equal("s1", subscription.Id);
        Assert.Null(subscription.PrimaryKey);
        Assert.Equal(SubscriptionKeyHash.Compute(keys["primaryKey"]!.GetValue<string>()), subscription.PrimaryKeyHash);
        Assert.DoesNotContain(keys["primaryKey"]!.GetValue<string>(), System.Text.Encoding.UTF8.GetString(check.Payload!), StringComparison.Ordinal);
        Assert.True(SnapshotValidatorAccepts(snapshot, "gw1"));
    }

    [Fact]
    public async Task Snapshot_200And304_CarrySignedConfirmationOfTheCurrentRevision()
    {
        var token = await plane.SeedGatewayAsync();
        SigningKeys.TryImport(await plane.Anonymous.GetStringAsync("/signing-key"), out var publicKey, out _);

        var sent = await SnapshotAsync(token);
        var notModified = await SnapshotAsync(token, sent.Headers.ETag!.Tag);

        Assert.Equal(304, (int)notModified.StatusCode);
        foreach (var response in new[] { sent, notModified })
        {
            var header = Assert.Single(response.Headers.GetValues(SyncProtocol.ConfirmationHeader));
            var check = SnapshotConfirmation.Verify(System.Text.Encoding.ASCII.GetBytes(header), publicKey!);
            Assert.Null(check.Error);
            Assert.Equal("gw1", check.Confirmation!.GatewayId);
            Assert.Equal(sent.Headers.ETag!.Tag, SyncProtocol.ETag(check.Confirmation.Revision));
            Assert.InRange(check.Confirmation.IssuedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        }
    }

    [Fact]
    public async Task Snapshot_FromConfigWithSecretsAndHashedKeys_ShipsNoSecret()
    {
        var hash = SubscriptionKeyHash.Compute("key-known-only-to-the-customer");
        await plane.PutOkAsync("/config", $$"""
            {
              "schemaVersion": 1,
              "apis": [ { "id": "echo", "path": "/echo", "backend": { "urls": ["http://127.0.0.1:9"] } } ],
              "subscriptions": [
                { "id": "hashed", "scope": "apis/echo", "primaryKeyHash": "{{hash}}" },
                { "id": "plain", "scope": "apis", "primaryKey": "plain-key-in-git-0123456789" }
              ],
              "namedValues": [ { "id": "pw", "value": "hunter2-secret", "secret": true }, { "id": "region", "value": "eu" } ],
              "gateways": [ { "id": "gw1", "apis": ["echo"] } ]
            }
            """);
        var token = await plane.TokenAsync("gw1");
        var response = await SnapshotAsync(token);
        SigningKeys.TryImport(await plane.Anonymous.GetStringAsync("/signing-key"), out var publicKey, out _);
        var check = SignedSnapshot.Verify(await response.Content.ReadAsByteArrayAsync(), publicKey!);
        Assert.True(check.IsValid, check.Error);
        var payload = System.Text.Encoding.UTF8.GetString(check.Payload!);
        Assert.DoesNotContain("hunter2-secret", payload, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-key-in-git", payload, StringComparison.Ordinal);
        var snapshot = SnapshotReader.Parse(check.Payload!).Snapshot!;
        Assert.Equal(hash, snapshot.Subscriptions!.Single(s => s.Id == "hashed").PrimaryKeyHash);
        Assert.Equal(SubscriptionKeyHash.Compute("plain-key-in-git-0123456789"), snapshot.Subscriptions!.Single(s => s.Id == "plain").PrimaryKeyHash);
        // No policy of gw1 references either named value: neither is sent (issue 10: exactly what its policies reference).
        Assert.Empty(snapshot.NamedValues!);
        Assert.True(SnapshotValidatorAccepts(snapshot, "gw1"));

        // A key given only as a hash cannot be shown back.
        Assert.Null((await plane.PostJsonAsync("/subscriptions/hashed/list-secrets", "{}"))["primaryKey"]);
    }

    private static bool SnapshotValidatorAccepts(GatewaySnapshot snapshot, string gatewayId) =>
        EdgeGateway.Contracts.Validation.SnapshotValidator.Validate(snapshot, new() { AllowPlainKeys = false, ExpectedGatewayId = gatewayId }).IsValid;

    [Fact]
    public async Task Snapshot_IfNoneMatchCurrent_Is304AndUnrelatedWriteKeepsRevision()
    {
        var token = await plane.SeedGatewayAsync();
        var first = await SnapshotAsync(token);
        var etag = first.Headers.ETag!.Tag;
        Assert.Equal(304, (int)(await SnapshotAsync(token, etag)).StatusCode);

        // A change that does not reach gw1's snapshot does not move its revision.
        await plane.PutOkAsync("/gateways/gw2", "{}");
        Assert.Equal(304, (int)(await SnapshotAsync(token, etag)).StatusCode);

        await plane.PutOkAsync("/apis/echo", """{"path":"/echo","name":"changed","backend":{"urls":["http://127.0.0.1:9"]}}""");
        var changed = await SnapshotAsync(token, etag);
        Assert.Equal(200, (int)changed.StatusCode);
        Assert.True(SyncProtocol.TryParseETag(changed.Headers.ETag!.Tag, out var newer) && SyncProtocol.TryParseETag(etag, out var older) && newer > older);
    }

    [Fact]
    public async Task Snapshot_LongPoll_IsAnsweredByAWriteBeforeItsWaitRunsOut()
    {
        // The plane's clock never moves: the wait cannot run out, so only the write can answer this poll.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var timed = await TestPlane.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var token = await timed.SeedGatewayAsync();
        var etag = (await SnapshotAsync(timed, token)).Headers.ETag!.Tag;

        var poll = SnapshotAsync(timed, token, etag, query: "?wait=30");
        await Task.Delay(200);
        Assert.False(poll.IsCompleted, "a poll for an unchanged revision is held");
        await timed.PutOkAsync("/apis/echo", """{"path":"/echo","name":"v2","backend":{"urls":["http://127.0.0.1:9"]}}""");

        var response = await poll.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.NotEqual(etag, response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Snapshot_LongPollWithoutChange_Is304OnceTheWaitRunsOut()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var timed = await TestPlane.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var token = await timed.SeedGatewayAsync();
        var etag = (await SnapshotAsync(timed, token)).Headers.ETag!.Tag;

        var poll = SnapshotAsync(timed, token, etag, query: "?wait=1");
        await Task.Delay(200);
        Assert.False(poll.IsCompleted, "held while the plane's clock stands still");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!poll.IsCompleted && DateTime.UtcNow < deadline)
        {
            clock.Advance(TimeSpan.FromMilliseconds(250));
            await Task.WhenAny(poll, Task.Delay(50));
        }

        Assert.True(poll.IsCompleted, "answered once a second of the plane's time passed");
        var response = await poll;
        Assert.Equal(304, (int)response.StatusCode);
        Assert.Equal(etag, response.Headers.ETag!.Tag);
        await Problem.AssertAsync(await SnapshotAsync(token, etag, query: "?wait=61"), 400);
        await Problem.AssertAsync(await SnapshotAsync(token, etag, query: "?wait=abc"), 400);
    }

    [Fact]
    public async Task Snapshot_TokenCopiedJsonEscaped_401SaysToWriteAmpersand()
    {
        var token = await plane.SeedGatewayAsync();

        var problem = await Problem.AssertAsync(await SnapshotAsync(token.Replace("&", "\\u0026", StringComparison.Ordinal)), 401);

        var detail = problem["detail"]!.GetValue<string>();
        Assert.StartsWith("invalid token", detail, StringComparison.Ordinal);
        Assert.Contains("it holds '\\u0026': it was copied JSON-escaped; write '&' in place of each '\\u0026'", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("copied", (await Problem.AssertAsync(await SnapshotAsync("GatewayKey garbage"), 401))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_BadTokens_Are401WithReason()
    {
        var token = await plane.SeedGatewayAsync();
        await plane.PutOkAsync("/gateways/gw2", """{"apis":["echo"]}""");
        var missing = await Problem.AssertAsync(await SnapshotAsync(""), 401);
        Assert.Contains("token", missing["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("issued for gateway 'gw1'", (await Problem.AssertAsync(await SnapshotAsync(token, gateway: "gw2"), 401))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("invalid", (await Problem.AssertAsync(await SnapshotAsync("GatewayKey garbage"), 401))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await Problem.AssertAsync(await SnapshotAsync("Bearer " + TestPlane.AdminKey), 401);

        var secondary = await plane.TokenAsync("gw1", "secondary");
        await plane.PostJsonAsync("/gateways/gw1/regenerate-key", """{"keyType":"primary"}""");
        var revoked = await Problem.AssertAsync(await SnapshotAsync(token), 401);
        Assert.Contains("invalid", revoked["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, (int)(await SnapshotAsync(secondary)).StatusCode);
        Assert.Equal(200, (int)(await SnapshotAsync(await plane.TokenAsync("gw1"))).StatusCode);
    }

    [Fact]
    public async Task Token_ExpiryBeyondMaxLifetimeOrPast_Is400()
    {
        await plane.SeedGatewayAsync();
        var tooLong = DateTimeOffset.UtcNow.AddDays(31).ToString("O");
        await Problem.AssertAsync(await plane.Client.PostAsync("/gateways/gw1/token", TestPlane.Json($$"""{"keyType":"primary","expiry":"{{tooLong}}"}""")), 400);
        var past = DateTimeOffset.UtcNow.AddHours(-1).ToString("O");
        await Problem.AssertAsync(await plane.Client.PostAsync("/gateways/gw1/token", TestPlane.Json($$"""{"keyType":"primary","expiry":"{{past}}"}""")), 400);
        await Problem.AssertAsync(await plane.Client.PostAsync("/gateways/gw1/token", TestPlane.Json("""{"keyType":"tertiary","expiry":"2030-01-01T00:00:00Z"}""")), 400);
        await Problem.AssertAsync(await plane.Client.PostAsync("/gateways/nope/token", TestPlane.Json($$"""{"keyType":"primary","expiry":"{{DateTimeOffset.UtcNow.AddDays(1):O}}"}""")), 404);
    }

    [Fact]
    public async Task Heartbeat_Recorded_ShowsInStatusAndSurvivesRestart()
    {
        var token = await plane.SeedGatewayAsync();
        var revision = (await plane.GetJsonAsync("/gateways/gw1"))["snapshotRevision"]!.GetValue<long>();
        var request = new HttpRequestMessage(HttpMethod.Post, SyncProtocol.HeartbeatPath("gw1"))
        {
            Content = TestPlane.Json($$"""{"instanceId":"i-1","hostName":"host-a","version":"0.1.0","appliedRevision":{{revision}},"configAgeSeconds":2.5,"uptimeSeconds":10,"lastSyncError":null,"requestsTotal":5,"requestsFailed":1}"""),
        };
        request.Headers.TryAddWithoutValidation("Authorization", token);
        Assert.Equal(204, (int)(await plane.Anonymous.SendAsync(request)).StatusCode);

        var status = await plane.GetJsonAsync("/gateways/gw1/status");
        var instance = status["instances"]![0]!;
        Assert.Equal("i-1", instance["instanceId"]!.GetValue<string>());
        Assert.Equal("current", instance["state"]!.GetValue<string>());
        Assert.True(instance["isLatest"]!.GetValue<bool>());
        Assert.Equal("host-a", instance["hostName"]!.GetValue<string>());

        await using var restarted = await TestPlane.StartAsync(plane.StorePath);
        var after = await restarted.GetJsonAsync("/gateways/gw1/status");
        Assert.Equal("i-1", after["instances"]![0]!["instanceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Heartbeat_BadBodyOrToken_Is4xxProblem()
    {
        var token = await plane.SeedGatewayAsync();
        async Task<HttpResponseMessage> Send(string auth, string body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, SyncProtocol.HeartbeatPath("gw1")) { Content = TestPlane.Json(body) };
            request.Headers.TryAddWithoutValidation("Authorization", auth);
            return await plane.Anonymous.SendAsync(request);
        }

        await Problem.AssertAsync(await Send(token, """{"instanceId":"../x"}"""), 400);
        await Problem.AssertAsync(await Send(token, """{"instanceId":"i1","appliedRevision":"x"}"""), 400);
        await Problem.AssertAsync(await Send("GatewayKey gw1&209901010000&AAAA", """{"instanceId":"i1"}"""), 401);
    }
}
