using System.Net;
using System.Security.Cryptography;
using System.Text;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Policies;
using EdgeGateway.Policies.Jwt;
using EdgeGateway.Routing;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.Tests.Policies.Jwt;

/// <summary>validate-jwt with openidConfig: keys fetched once per URL for the process, refreshed on rotation, refused when unreachable.</summary>
public sealed class OpenIdKeysTests
{
    private const string Url = "https://idp.test/.well-known/openid-configuration";

    private static string Doc(string url = Url) => $$"""
        { "schemaVersion": 1, "revision": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
          "policies": { "inbound": [ { "type": "validate-jwt", "openidConfig": { "url": "{{url}}" }, "audiences": ["{{TestTokens.Audience}}"] } ] } } ] }
        """;

    private static GatewayRuntime Runtime(PolicyServices services, string? doc = null)
    {
        var parsed = SnapshotReader.Parse(Encoding.UTF8.GetBytes(doc ?? Doc()));
        return new GatewayRuntime(parsed.Snapshot!, "test", DateTimeOffset.UnixEpoch, policyServices: services);
    }

    private static ValueTask<PolicyResult> Send(GatewayRuntime runtime, string token)
    {
        var api = runtime.Apis.Single();
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization = "Bearer " + token;
        var run = new PolicyRun(http, api.Policies.For(null), new PolicyRequest(api, null, null, null, null, null, ""));
        return PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound);
    }

    [Fact]
    public async Task SnapshotSwap_SameUrl_KeysNotFetchedAgainAndCheckedSynchronously()
    {
        using var rsa = RSA.Create(2048);
        var idp = new FakeIdp(TestTokens.RsaJwk(rsa, "k1"));
        var services = new PolicyServices(new OpenIdKeyCache(TimeSpan.FromMinutes(1), idp));
        var token = TestTokens.Rs256(rsa, "k1", TestTokens.Claims());

        Assert.Equal(PolicyResult.Continue, await Send(Runtime(services), token));
        var next = Runtime(services); // a new revision: new steps, same URL
        var result = Send(next, token);

        Assert.True(result.IsCompletedSuccessfully, "with cached keys the step completes synchronously");
        Assert.Equal(PolicyResult.Continue, await result);
        Assert.Equal(1, idp.DocumentFetches);
        Assert.Equal(1, idp.KeyFetches);
    }

    [Fact]
    public async Task UnknownKid_KeysRotated_NewKeyPassesAfterTheRefreshAndRefreshesAreLimited()
    {
        using var oldKey = RSA.Create(2048);
        using var newKey = RSA.Create(2048);
        var idp = new FakeIdp(TestTokens.RsaJwk(oldKey, "old"));
        var runtime = Runtime(new PolicyServices(new OpenIdKeyCache(TimeSpan.FromMinutes(1), idp)));
        Assert.Equal(PolicyResult.Continue, await Send(runtime, TestTokens.Rs256(oldKey, "old", TestTokens.Claims())));

        idp.Keys = TestTokens.RsaJwk(newKey, "new");
        var rotated = TestTokens.Rs256(newKey, "new", TestTokens.Claims());
        Assert.Equal(PolicyResult.Failed, await Send(runtime, rotated)); // asks for the refresh, which runs in the background

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await Send(runtime, rotated) != PolicyResult.Continue)
        {
            Assert.True(DateTime.UtcNow < deadline, "the rotated key never became usable");
            await Task.Delay(20);
        }

        using var stranger = RSA.Create(2048);
        Assert.Equal(PolicyResult.Failed, await Send(runtime, TestTokens.Rs256(stranger, "made-up", TestTokens.Claims())));
        Assert.Equal(PolicyResult.Continue, await Send(runtime, rotated));
        Assert.Equal(2, idp.KeyFetches); // the made-up kid within the minute fetched nothing
    }

    [Fact]
    public async Task MetadataUnreachable_TokenRefusedNotThrown()
    {
        using var rsa = RSA.Create(2048);
        var idp = new FakeIdp(TestTokens.RsaJwk(rsa, "k1")) { Status = HttpStatusCode.InternalServerError };
        var runtime = Runtime(new PolicyServices(new OpenIdKeyCache(TimeSpan.FromMinutes(1), idp)));

        Assert.Equal(PolicyResult.Failed, await Send(runtime, TestTokens.Rs256(rsa, "k1", TestTokens.Claims())));
    }

    [Fact]
    public async Task JwksUriPlainHttpToAnotherHost_NotFetched()
    {
        using var rsa = RSA.Create(2048);
        var idp = new FakeIdp(TestTokens.RsaJwk(rsa, "k1")) { JwksUri = "http://keys.example.com/keys" };
        var runtime = Runtime(new PolicyServices(new OpenIdKeyCache(TimeSpan.FromMinutes(1), idp)));

        Assert.Equal(PolicyResult.Failed, await Send(runtime, TestTokens.Rs256(rsa, "k1", TestTokens.Claims())));
        Assert.Equal(0, idp.KeyFetches);
    }

    /// <summary>A discovery document and its JWKS, served from memory, counting fetches.</summary>
    private sealed class FakeIdp(string key) : HttpMessageHandler
    {
        private int documentFetches;
        private int keyFetches;

        public volatile string Keys = key;

        public string JwksUri { get; init; } = "https://idp.test/keys";

        public HttpStatusCode Status { get; init; } = HttpStatusCode.OK;

        public int DocumentFetches => Volatile.Read(ref documentFetches);

        public int KeyFetches => Volatile.Read(ref keyFetches);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string body;
            if (request.RequestUri!.AbsolutePath.EndsWith("openid-configuration", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref documentFetches);
                body = $$"""{ "issuer": "{{TestTokens.Issuer}}", "jwks_uri": "{{JwksUri}}" }""";
            }
            else
            {
                Interlocked.Increment(ref keyFetches);
                body = $$"""{ "keys": [ {{Keys}} ] }""";
            }

            return Task.FromResult(new HttpResponseMessage(Status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
