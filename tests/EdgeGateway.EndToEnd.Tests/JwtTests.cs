using System.Net;
using System.Security.Cryptography;
using System.Text;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.Tests.Policies.Jwt;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// The AOT gateway validating tokens against a real OpenID Connect discovery document and JWKS served by a Kestrel
/// "identity provider" in the test, and against inline keys.
/// </summary>
public sealed class JwtFixture : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();
    private int documentFetches;

    public RSA Signing { get; } = RSA.Create(2048);

    public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] Secret { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>The JWKS's keys (JWK objects, comma-separated): tests add a key to rotate.</summary>
    public volatile string Keys = "";

    public int DocumentFetches => Volatile.Read(ref documentFetches);

    public TestBackend Idp { get; private set; } = null!;

    public TestBackend Backend { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Keys = TestTokens.RsaJwk(Signing, "signing-1");
        Idp = await TestBackend.StartAsync("idp", app =>
        {
            app.MapGet("/.well-known/openid-configuration", (HttpContext c) =>
            {
                Interlocked.Increment(ref documentFetches);
                return Results.Text($$"""{ "issuer": "{{TestTokens.Issuer}}", "jwks_uri": "{{Idp!.Url}}/keys" }""", "application/json");
            });
            app.MapGet("/keys", () => Results.Text($$"""{ "keys": [ {{Keys}} ] }""", "application/json"));
        });
        Backend = await TestBackend.StartAsync("main");
        WriteConfig(revision: 1);
        Gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: new Dictionary<string, string>
        {
            ["Gateway__JwtKeyRefreshInterval"] = "00:00:01",
        });
    }

    /// <summary>The config; a later revision adds an X-Revision response header, to see when it serves.</summary>
    public void WriteConfig(int revision) => folder.Write($$"""
        { "schemaVersion": 1, "revision": {{revision}},
          "namedValues": [ { "id": "jwt-secret", "secret": true, "value": "{{TestTokens.B64(Secret)}}" } ],
          "policies": { "outbound": [ { "type": "set-header", "name": "X-Revision", "value": "{{revision}}" } ] },
          "apis": [
            { "id": "oidc", "path": "/oidc", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] },
              "policies": {
                "inbound": [
                  { "type": "validate-jwt", "openidConfig": { "url": "{{Idp.Url}}/.well-known/openid-configuration" },
                    "issuers": ["{{TestTokens.Issuer}}"], "audiences": ["{{TestTokens.Audience}}"], "outputTokenVariableName": "jwt",
                    "requiredClaims": [ { "name": "scp", "match": "any", "separator": " ", "values": ["orders.read", "orders.admin"] } ] },
                  { "type": "set-header", "name": "X-Sub", "value": "@(((Jwt)context.Variables[\"jwt\"]).Claims.GetValueOrDefault(\"sub\", \"\"))" },
                  { "type": "set-header", "name": "X-Roles", "value": "@(((Jwt)context.Variables[\"jwt\"]).Claims.GetValueOrDefault(\"roles\", \"none\"))" } ],
                "onError": [ { "type": "set-header", "name": "X-Jwt-Error", "value": "@(context.LastError.Source + \"/\" + context.LastError.Reason)" } ] } },
            { "id": "inline", "path": "/inline", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] },
              "policies": { "inbound": [
                { "type": "validate-jwt", "requireScheme": "Bearer", "audiences": ["{{TestTokens.Audience}}"], "failedValidationHttpCode": 403,
                  "issuerSigningKeys": [ {{TestTokens.EcJwk(Ec, "ec-1")}}, { "kty": "oct", "kid": "hs-1", "k": "SECRET_REF" } ] } ] } } ] }
        """.Replace("SECRET_REF", "{{jwt-secret}}", StringComparison.Ordinal));

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
        await Idp.DisposeAsync();
        Signing.Dispose();
        Ec.Dispose();
        folder.Dispose();
    }
}

public sealed class JwtTests(JwtFixture f) : IClassFixture<JwtFixture>
{
    private HttpClient Client => f.Gateway.Client;

    private string Valid(Action<Dictionary<string, object?>>? claims = null) =>
        TestTokens.Rs256(f.Signing, "signing-1", TestTokens.Claims(c =>
        {
            c["scp"] = "orders.read profile";
            claims?.Invoke(c);
        }));

    private async Task<HttpResponseMessage> SendAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Refused with <paramref name="reason"/> in onError, and the backend never saw the path.</summary>
    private async Task AssertRefusedAsync(string path, string? token, string reason)
    {
        using var response = await SendAsync(path, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("validate-jwt/" + reason, Assert.Single(response.Headers.GetValues("X-Jwt-Error")));
        Assert.DoesNotContain(f.Backend.Paths, p => p.StartsWith(path["/oidc".Length..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidToken_ReachesTheBackendWithClaimsSetAsHeaders()
    {
        using var response = await SendAsync("/oidc/valid", Valid(c => c["roles"] = new[] { "reader", "admin" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await Echo.ReadAsync(response);
        Assert.Equal(("alice", "reader,admin"), (echo.Headers["x-sub"], echo.Headers["x-roles"]));
    }

    [Fact]
    public async Task KeyRotation_TokenSignedWithANewKey_PassesOnceTheKeysAreRefreshed()
    {
        using var next = RSA.Create(2048);
        f.Keys = TestTokens.RsaJwk(f.Signing, "signing-1") + ", " + TestTokens.RsaJwk(next, "signing-2");
        var token = TestTokens.Rs256(next, "signing-2", TestTokens.Claims(c => c["scp"] = "orders.admin"));

        // The first such token asks for a refresh (in the background); tokens after it pass.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await SendAsync("/oidc/rotated", token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "a token signed with the new key never passed");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task UnknownKey_401KeyNotFound()
    {
        using var stranger = RSA.Create(2048);
        await AssertRefusedAsync("/oidc/unknown-key", TestTokens.Rs256(stranger, "nobody", TestTokens.Claims(c => c["scp"] = "orders.read")), "TokenSignatureKeyNotFound");
    }

    [Fact]
    public async Task Expired_401()
    {
        await AssertRefusedAsync("/oidc/expired", Valid(c =>
        {
            c["nbf"] = c["iat"] = DateTimeOffset.UtcNow.AddMinutes(-20).ToUnixTimeSeconds();
            c["exp"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds();
        }), "TokenExpired");
    }

    [Fact]
    public async Task NotYetValid_401()
    {
        await AssertRefusedAsync("/oidc/early", Valid(c => c["nbf"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()), "JwtInvalid");
    }

    [Fact]
    public async Task WrongAudience_401()
    {
        await AssertRefusedAsync("/oidc/audience", Valid(c => c["aud"] = "api://payments"), "TokenAudienceNotAllowed");
    }

    [Fact]
    public async Task WrongIssuer_401()
    {
        await AssertRefusedAsync("/oidc/issuer", Valid(c => c["iss"] = "https://evil.test/"), "TokenIssuerNotAllowed");
    }

    [Fact]
    public async Task MissingClaim_401()
    {
        await AssertRefusedAsync("/oidc/claimless", Valid(c => c.Remove("scp")), "TokenClaimNotFound");
    }

    [Fact]
    public async Task AlgNone_401()
    {
        await AssertRefusedAsync("/oidc/none", TestTokens.None("signing-1", TestTokens.Claims(c => c["scp"] = "orders.read")), "TokenSignatureInvalid");
    }

    [Fact]
    public async Task Hs256KeyedWithTheRsaPublicKey_401()
    {
        var publicKey = Encoding.ASCII.GetBytes(f.Signing.ExportSubjectPublicKeyInfoPem());
        using var response = await SendAsync("/oidc/confused", TestTokens.Hs256(publicKey, "signing-1", TestTokens.Claims(c => c["scp"] = "orders.read")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("validate-jwt/TokenSignature", Assert.Single(response.Headers.GetValues("X-Jwt-Error")), StringComparison.Ordinal);
        Assert.DoesNotContain(f.Backend.Paths, p => p.StartsWith("/confused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenInTheQueryWhenOnlyTheHeaderIsConfigured_401NotPresent()
    {
        using var response = await Client.GetAsync("/oidc/query?access_token=" + Valid());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("validate-jwt/TokenNotPresent", Assert.Single(response.Headers.GetValues("X-Jwt-Error")));
        Assert.Contains("JWT not present.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(f.Backend.Paths, p => p.StartsWith("/query", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(20_000, 401)] // within Kestrel's header limits: refused by the policy before parsing
    [InlineData(40_000, 431)] // beyond them: refused by the server
    public async Task OversizedToken_4xxNeverForwarded(int padding, int status)
    {
        using var response = await SendAsync($"/oidc/big-{padding}", Valid(c => c["pad"] = new string('x', padding)));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.DoesNotContain(f.Backend.Paths, p => p.StartsWith($"/big-{padding}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthorizationHeaderTwice_401NeverForwarded()
    {
        var token = Valid();
        var response = await RawHttp.SendAsync(f.Gateway.Port,
            $"GET /oidc/twice HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer {token}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n");

        Assert.Equal(401, response.Status);
        Assert.Equal("validate-jwt/JwtInvalid", response.Header("X-Jwt-Error"));
        Assert.DoesNotContain(f.Backend.Paths, p => p.StartsWith("/twice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InlineKeys_Es256AndHs256FromASecretNamedValue_Pass()
    {
        using var es = await SendAsync("/inline/es", TestTokens.Es256(f.Ec, "ec-1", TestTokens.Claims()));
        using var hs = await SendAsync("/inline/hs", TestTokens.Hs256(f.Secret, "hs-1", TestTokens.Claims()));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (es.StatusCode, hs.StatusCode));
    }

    [Fact]
    public async Task InlineKeys_RefusedWithTheConfiguredStatus()
    {
        using var response = await SendAsync("/inline/wrong", TestTokens.Hs256(RandomNumberGenerator.GetBytes(32), "hs-1", TestTokens.Claims()));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(f.Backend.Paths, p => p.StartsWith("/wrong", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NewRevision_SameOpenIdUrl_MetadataNotFetchedAgain()
    {
        using (var first = await SendAsync("/oidc/before-swap", Valid()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var fetches = f.DocumentFetches;
        f.WriteConfig(revision: 2);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await SendAsync("/oidc/after-swap", Valid());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (response.Headers.TryGetValues("X-Revision", out var revision) && revision.Single() == "2")
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "revision 2 never served");
            await Task.Delay(100);
        }

        Assert.Equal(fetches, f.DocumentFetches);
    }
}
