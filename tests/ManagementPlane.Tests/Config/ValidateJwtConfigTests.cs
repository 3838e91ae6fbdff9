using EdgeGateway.Contracts.Policies;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Config;

/// <summary>The plane accepts what a gateway enforces of validate-jwt, and refuses what a gateway would refuse, with its message.</summary>
public sealed class ValidateJwtConfigTests : IAsyncLifetime
{
    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    private static string Document(string openIdUrl) => $$"""
        { "schemaVersion": 1,
          "namedValues": [ { "id": "jwt-key", "secret": true, "value": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } ],
          "apis": [ { "id": "orders", "path": "/orders", "backend": { "urls": ["http://127.0.0.1:10"] },
            "policies": { "inbound": [
              { "type": "validate-jwt", "openidConfig": { "url": "{{openIdUrl}}" }, "audiences": ["api://orders"],
                "issuerSigningKeys": [ { "kty": "oct", "kid": "hs", "k": "KEY_REF" } ],
                "requiredClaims": [ { "name": "scp", "match": "any", "separator": " ", "values": ["orders.read"] } ],
                "outputTokenVariableName": "jwt" } ] } } ],
          "gateways": [ { "id": "gw1", "apis": ["orders"] } ] }
        """.Replace("KEY_REF", "{{jwt-key}}", StringComparison.Ordinal);

    [Fact]
    public async Task PutConfig_ValidateJwt_Accepted()
    {
        var result = await plane.PutOkAsync("/config", Document("https://login.example.com/.well-known/openid-configuration"));

        Assert.Equal("orders", result["apis"]!["added"]!.AsArray().Single()!.GetValue<string>());
    }

    [Fact]
    public async Task PutConfig_OpenIdUrlPlainHttpNotLoopback_400WithTheGatewaysMessage()
    {
        const string url = "http://login.example.com/.well-known/openid-configuration";

        var problem = await Problem.AssertAsync(await plane.PutAsync("/config", Document(url)), 400);

        var errors = problem["errors"]!.AsArray().Select(e => (Path: e!["path"]!.GetValue<string>(), Message: e["message"]!.GetValue<string>())).ToList();
        Assert.Equal([("apis[0].policies.inbound[0].openidConfig.url", JwtMetadataUrl.Check(url)!)], errors);
    }
}
