using System.Text.Json;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Sync;
using ManagementPlane.Snapshots;
using ManagementPlane.State;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ManagementPlane.Tests.Snapshots;

/// <summary>
/// Each gateway receives exactly the named values the policies reaching it reference (global, product, API, operation),
/// secret ones decrypted, and no other gateway's. These tests compile a state holding the policies directly, without the
/// plane's write path.
/// </summary>
public sealed class NamedValueDeliveryTests : IAsyncLifetime
{
    private const string Secret = "s3cr3t-backend-token-7f1c";
    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    private SnapshotCompiler Compiler => plane.Host.Services.GetRequiredService<SnapshotCompiler>();

    private SecretProtector Protector => plane.Host.Services.GetRequiredService<SecretProtector>();

    [Fact]
    public void Compile_PoliciesAtEveryScope_EachGatewayGetsExactlyWhatItsPoliciesReference()
    {
        var state = State(globalReference: "g");

        Assert.Equal(["g", "o", "p", "x"], Ids(Compiler.Compile(state, Gateway(state, "gw-a"), 1).Snapshot));
        Assert.Equal(["b", "g"], Ids(Compiler.Compile(state, Gateway(state, "gw-b"), 1).Snapshot));
    }

    [Fact]
    public void Compile_SecretReferenced_ArrivesDecryptedAndMarkedSecret_OnlyAtTheGatewayReferencingIt()
    {
        var state = State(globalReference: null);

        var a = Compiler.Compile(state, Gateway(state, "gw-a"), 1);
        var b = Compiler.Compile(state, Gateway(state, "gw-b"), 1);

        Assert.Empty(a.UnreadableSecrets);
        var token = Assert.Single(b.Snapshot.NamedValues!, n => n!.Id == "b")!;
        Assert.True(token.Secret);
        Assert.Equal(Secret, token.Value);
        Assert.DoesNotContain(Secret, System.Text.Encoding.UTF8.GetString(SnapshotReader.Serialize(a.Snapshot)), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_NoPolicyReferencesANamedValue_SendsNone()
    {
        var state = State(globalReference: null);
        state.Gateways.Add(new StoredGateway { Id = "gw-c", Apis = ["plain"] });

        Assert.Empty(Compiler.Compile(state, Gateway(state, "gw-c"), 1).Snapshot.NamedValues!);
    }

    [Fact]
    public void Stamp_ReferencedSecretCannotBeDecrypted_NothingStamped_AndTheNamedValueNamed()
    {
        var before = State(globalReference: null);
        var after = State(globalReference: null);
        after.Revision = 2;
        after.NamedValues.Single(n => n.Id == "b").ValueProtected = "v1.AAAAdamaged";

        var changes = plane.Host.Services.GetRequiredService<SnapshotPublisher>().Stamp(before, after);

        Assert.Equal([("gw-b", "b")], changes.UnreadableSecrets);
        Assert.Empty(changes.Changed);
        Assert.All(after.Gateways, g => Assert.Equal(0, g.SnapshotRevision));
    }

    [Fact]
    public async Task Store_SnapshotHoldingASecret_RestsSealedInThePlanesStore_AndAnotherInstanceServesIt()
    {
        var before = new ManagementState();
        var after = State(globalReference: null);
        var publisher = plane.Host.Services.GetRequiredService<SnapshotPublisher>();
        var changes = publisher.Stamp(before, after);
        var signed = publisher.Sign(changes);
        await publisher.StoreAsync(signed, changes.Removed, CancellationToken.None);

        var files = Directory.GetFiles(Path.Combine(plane.StorePath, "snapshots"), "*.json", SearchOption.AllDirectories);
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.DoesNotContain(Secret, File.ReadAllText(f), StringComparison.Ordinal));

        await using var other = await TestPlane.StartAsync(plane.StorePath);
        var served = await other.Host.Services.GetRequiredService<StoredSnapshots>().GetAsync(after, Gateway(after, "gw-b"), CancellationToken.None);
        Assert.Equal(signed.Single(s => s.GatewayId == "gw-b").Bytes, served);
        var snapshot = SnapshotReader.Parse(SignedSnapshot.ReadPayloadUnverified(served)!).Snapshot!;
        Assert.Equal(Secret, Assert.Single(snapshot.NamedValues!)!.Value);
    }

    [Fact]
    public async Task Poll_NamedValuesNoPolicyUses_AreNotSent_SecretOrNot()
    {
        var token = await plane.SeedGatewayAsync("gw1");
        await plane.PutOkAsync("/named-values/plain-one", """{"value":"visible"}""");
        await plane.PutOkAsync("/named-values/backend-token", $$"""{"value":"{{Secret}}","secret":true}""");

        var request = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath("gw1"));
        request.Headers.TryAddWithoutValidation("Authorization", token);
        var response = await plane.Anonymous.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(200, (int)response.StatusCode);
        var snapshot = SnapshotReader.Parse(SignedSnapshot.ReadPayloadUnverified(bytes)!).Snapshot!;
        Assert.Empty(snapshot.NamedValues ?? []);
        Assert.DoesNotContain(Secret, System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    private static List<string> Ids(GatewaySnapshot snapshot) => [.. (snapshot.NamedValues ?? []).Select(n => n!.Id!).Order(StringComparer.Ordinal)];

    private static StoredGateway Gateway(ManagementState state, string id) => state.Gateways.Single(g => g.Id == id);

    /// <summary>
    /// API "one" (gateway gw-a) references x at API scope and o at its operation, product "prod" (holding "one") p; API "two"
    /// (gateway gw-b) references the secret b; "plain" references nothing; u is referenced by nobody.
    /// </summary>
    private ManagementState State(string? globalReference)
    {
        var global = globalReference is null ? "" : $$$"""
            "policies": { "inbound": [ { "type": "set-header", "name": "X-G", "value": "{{{{{globalReference}}}}}" } ] },
            """;
        var secret = Protector.Protect(Secret, StoredNamedValue.SecretPurpose("b"));
        var json = $$$"""
        {
          "revision": 1,
          "apis": [
            { "id": "one", "path": "/one", "backend": { "urls": ["http://127.0.0.1:9"] },
              "policies": { "inbound": [ { "type": "base" }, { "type": "set-header", "name": "X-A", "value": "{{x}}" } ] },
              "operations": [ { "id": "get", "method": "GET", "urlTemplate": "/", "policies": { "outbound": [ { "type": "set-header", "name": "X-O", "value": "pre-{{o}}" } ] } } ] },
            { "id": "two", "path": "/two", "backend": { "urls": ["http://127.0.0.1:9"] },
              "policies": { "backend": [ { "type": "set-header", "name": "Authorization", "value": "Bearer {{B}}" } ] } },
            { "id": "plain", "path": "/plain", "backend": { "urls": ["http://127.0.0.1:9"] } }
          ],
          "products": [
            { "id": "prod", "apis": ["one"], "policies": { "inbound": [ { "type": "set-query-parameter", "name": "p", "value": "{{p}}" } ] } }
          ],
          "namedValues": [
            { "id": "g", "value": "global" }, { "id": "x", "value": "api" }, { "id": "o", "value": "operation" },
            { "id": "p", "value": "product" }, { "id": "u", "value": "unused" },
            { "id": "b", "secret": true, "valueProtected": "{{{secret}}}" }
          ],
          {{{global}}}
          "gateways": [ { "id": "gw-a", "apis": ["one"] }, { "id": "gw-b", "apis": ["two"] } ]
        }
        """;
        return JsonSerializer.Deserialize(json, StateJsonContext.Default.ManagementState)!;
    }
}
