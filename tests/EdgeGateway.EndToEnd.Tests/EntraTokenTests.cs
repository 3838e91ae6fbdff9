using System.Net;
using System.Security.Cryptography;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.Tests.Policies.Jwt;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// The AOT gateway's validate-azure-ad-token against a Kestrel server shaped like Entra ID's authority
/// (<c>Gateway:EntraAuthorityHost</c>): the tenant's v2.0 discovery document and keys, and tokens shaped like Entra's,
/// v1 (<c>https://sts.windows.net/{tid}/</c>, <c>appid</c>) and v2 (<c>{authority}/{tid}/v2.0</c>, <c>azp</c>).
/// </summary>
public sealed class EntraFixture : IAsyncLifetime
{
    public const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    public const string OtherTenant = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

    public const string ClientApp = "0f3c4b55-1a2b-4c3d-8e9f-00000000c11e";

    public const string BackendApp = "6e2d1a77-2b3c-4d5e-9f60-00000000ba0c";

    public const string AppIdUri = "api://orders-entra";

    private readonly ConfigFolder folder = new();

    public RSA Signing { get; } = RSA.Create(2048);

    public TestBackend Entra { get; private set; } = null!;

    public TestBackend Backend { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    public string V2Issuer(string tenant = Tenant) => $"{Entra.Url}/{tenant}/v2.0";

    public static string V1Issuer(string tenant = Tenant) => $"https://sts.windows.net/{tenant}/";

    public async Task InitializeAsync()
    {
        Entra = await TestBackend.StartAsync("entra", app =>
        {
            // Entra serves every tenant's document; each names its own issuer and the same key set.
            app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) =>
                Results.Text($$"""{ "issuer": "{{V2Issuer(tenant)}}", "jwks_uri": "{{Entra!.Url}}/{{tenant}}/discovery/v2.0/keys" }""", "application/json"));
            app.MapGet("/{tenant}/discovery/v2.0/keys", (string tenant) =>
                Results.Text($$"""{ "keys": [ {{TestTokens.RsaJwk(Signing, "entra-1")}} ] }""", "application/json"));
        });
        Backend = await TestBackend.StartAsync("main");
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "apis": [
                { "id": "entra", "path": "/entra", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] },
                  "policies": {
                    "inbound": [
                      { "type": "validate-azure-ad-token", "tenantId": "{{Tenant}}", "failedValidationHttpCode": 403,
                        "failedValidationErrorMessage": "Entra token refused", "outputTokenVariableName": "jwt",
                        "clientApplicationIds": ["{{ClientApp}}"], "audiences": ["{{AppIdUri}}"], "backendApplicationIds": ["{{BackendApp}}"],
                        "requiredClaims": [ { "name": "roles", "match": "any", "values": ["Orders.Read", "Orders.Write"] } ] },
                      { "type": "set-header", "name": "X-Tid", "value": "@(((Jwt)context.Variables[\"jwt\"]).Claims.GetValueOrDefault(\"tid\", \"\"))" } ],
                    "onError": [ { "type": "set-header", "name": "X-Error", "value": "@(context.LastError.Source + \"/\" + context.LastError.Reason)" } ] } } ] }
            """);
        Gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: new Dictionary<string, string>
        {
            ["Gateway__EntraAuthorityHost"] = Entra.Url,
        });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
        await Entra.DisposeAsync();
        Signing.Dispose();
        folder.Dispose();
    }
}

public sealed class EntraTokenTests(EntraFixture f) : IClassFixture<EntraFixture>
{
    /// <summary>A v2.0 access token for the backend application, requested by the client application.</summary>
    private string V2(Action<Dictionary<string, object?>>? change = null) => TestTokens.Rs256(f.Signing, "entra-1", TestTokens.Claims(c =>
    {
        c["iss"] = f.V2Issuer();
        c["aud"] = EntraFixture.BackendApp;
        c["azp"] = EntraFixture.ClientApp;
        c["tid"] = EntraFixture.Tenant;
        c["ver"] = "2.0";
        c["roles"] = new[] { "Orders.Read" };
        change?.Invoke(c);
    }));

    /// <summary>A v1.0 access token for the API's App ID URI.</summary>
    private string V1(Action<Dictionary<string, object?>>? change = null) => TestTokens.Rs256(f.Signing, "entra-1", TestTokens.Claims(c =>
    {
        c["iss"] = EntraFixture.V1Issuer();
        c["aud"] = EntraFixture.AppIdUri;
        c["appid"] = EntraFixture.ClientApp;
        c["tid"] = EntraFixture.Tenant;
        c["ver"] = "1.0";
        c["roles"] = new[] { "Orders.Write" };
        change?.Invoke(c);
    }));

    private async Task<HttpResponseMessage> SendAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return await f.Gateway.Client.SendAsync(request);
    }

    private async Task AssertRefusedAsync(string name, string token, string reason)
    {
        using var response = await SendAsync("/entra/" + name, token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("validate-azure-ad-token/" + reason, Assert.Single(response.Headers.GetValues("X-Error")));
        Assert.Contains("Entra token refused", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(f.Backend.Paths, p => p.StartsWith("/" + name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task V2Token_OfTheTenantAndClient_Accepted()
    {
        using var response = await SendAsync("/entra/v2", V2());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(EntraFixture.Tenant, (await Echo.ReadAsync(response)).Headers["x-tid"]);
    }

    [Fact]
    public async Task V1Token_StsIssuerAndAppId_Accepted()
    {
        using var response = await SendAsync("/entra/v1", V1());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OtherTenant_Refused()
    {
        await AssertRefusedAsync("other-tenant-v2", V2(c => { c["iss"] = f.V2Issuer(EntraFixture.OtherTenant); c["tid"] = EntraFixture.OtherTenant; }),
            "TokenIssuerNotAllowed");
        await AssertRefusedAsync("other-tenant-v1", V1(c => { c["iss"] = EntraFixture.V1Issuer(EntraFixture.OtherTenant); c["tid"] = EntraFixture.OtherTenant; }),
            "TokenIssuerNotAllowed");
    }

    [Fact]
    public async Task WrongAudience_Refused()
    {
        await AssertRefusedAsync("audience", V2(c => c["aud"] = "api://payments"), "TokenAudienceNotAllowed");
    }

    [Fact]
    public async Task WrongClientApplication_Refused()
    {
        await AssertRefusedAsync("client-v2", V2(c => c["azp"] = "99999999-0000-0000-0000-000000000000"), "TokenClientAppIdNotAllowed");
        await AssertRefusedAsync("client-v1", V1(c => c["appid"] = "99999999-0000-0000-0000-000000000000"), "TokenClientAppIdNotAllowed");
    }

    [Fact]
    public async Task MissingRequiredClaim_Refused()
    {
        await AssertRefusedAsync("no-roles", V2(c => c.Remove("roles")), "TokenClaimNotFound");
    }

    [Fact]
    public async Task Expired_Refused()
    {
        await AssertRefusedAsync("expired", V2(c =>
        {
            c["nbf"] = c["iat"] = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds();
            c["exp"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        }), "TokenExpired");
    }
}
