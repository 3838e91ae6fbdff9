using System.Security.Cryptography;
using System.Text;
using EdgeGateway.Policies;
using static EdgeGateway.Tests.Policies.PipelineHarness;

namespace EdgeGateway.Tests.Policies.Jwt;

/// <summary>validate-jwt with inline keys: what passes, what is refused and why (APIM's LastError reasons), and what later policies read.</summary>
public sealed class ValidateJwtTests
{
    private static readonly RSA Rsa = RSA.Create(2048);
    private static readonly ECDsa Ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);

    private static PipelineHarness Harness(string attributes = "", string after = "") => new(Doc($$"""
        [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
            "policies": { "inbound": [
              { "type": "validate-jwt", "issuers": ["{{TestTokens.Issuer}}"], "audiences": ["{{TestTokens.Audience}}"],
                "issuerSigningKeys": [ {{TestTokens.RsaJwk(Rsa, "rsa-1")}}, {{TestTokens.EcJwk(Ec, "ec-1")}}, {{TestTokens.OctJwk(Secret, "hs-1")}} ]
                {{attributes}} } {{after}} ] } } ]
        """));

    private static PolicyRun Send(PipelineHarness harness, string? authorization, Action<Microsoft.AspNetCore.Http.HttpRequest>? more = null) =>
        harness.Run("a", request: r =>
        {
            if (authorization is not null)
            {
                r.Headers.Authorization = authorization;
            }

            more?.Invoke(r);
        });

    private static string Valid(Action<Dictionary<string, object?>>? claims = null) => TestTokens.Rs256(Rsa, "rsa-1", TestTokens.Claims(claims));

    private static void AssertRefused(PolicyRun run, PolicyResult result, string reason, int status = 401)
    {
        Assert.Equal(PolicyResult.Failed, result);
        Assert.Equal("validate-jwt", run.LastError!.Source);
        Assert.Equal(reason, run.LastError.Reason);
        Assert.Equal(status, run.LastError.StatusCode);
    }

    [Fact]
    public void Apply_ValidRs256Token_ContinuesSynchronously()
    {
        var run = Send(Harness(), "Bearer " + Valid());

        Assert.Equal(PolicyResult.Continue, Inbound(run)); // Inbound asserts the section completed synchronously
    }

    [Fact]
    public void Apply_ValidEs256AndHs256Tokens_Continue()
    {
        var harness = Harness();

        Assert.Equal(PolicyResult.Continue, Inbound(Send(harness, "Bearer " + TestTokens.Es256(Ec, "ec-1", TestTokens.Claims()))));
        Assert.Equal(PolicyResult.Continue, Inbound(Send(harness, "Bearer " + TestTokens.Hs256(Secret, "hs-1", TestTokens.Claims()))));
    }

    [Fact]
    public void Apply_NoToken_TokenNotPresentWithApimMessage()
    {
        var run = Send(Harness(), null);

        AssertRefused(run, Inbound(run), "TokenNotPresent");
        Assert.Equal("JWT not present.", run.LastError!.Message);
    }

    [Fact]
    public void Apply_Expired_TokenExpired()
    {
        var run = Send(Harness(), "Bearer " + Valid(c => c["exp"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds()));

        AssertRefused(run, Inbound(run), "TokenExpired");
    }

    [Fact]
    public void Apply_ExpiredWithinClockSkew_Continues()
    {
        var run = Send(Harness(""", "clockSkew": 300"""), "Bearer " + Valid(c => c["exp"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds()));

        Assert.Equal(PolicyResult.Continue, Inbound(run));
    }

    [Fact]
    public void Apply_NotYetValid_Refused()
    {
        var run = Send(Harness(), "Bearer " + Valid(c => c["nbf"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds()));

        AssertRefused(run, Inbound(run), "JwtInvalid");
        Assert.Contains("not yet valid", run.LastError!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_NoExpiration_RefusedUnlessNotRequired()
    {
        var token = "Bearer " + Valid(c => c.Remove("exp"));
        var run = Send(Harness(), token);

        AssertRefused(run, Inbound(run), "JwtInvalid");
        Assert.Equal(PolicyResult.Continue, Inbound(Send(Harness(""", "requireExpirationTime": false"""), token)));
    }

    [Fact]
    public void Apply_WrongAudience_TokenAudienceNotAllowed()
    {
        var run = Send(Harness(), "Bearer " + Valid(c => c["aud"] = "api://other"));

        AssertRefused(run, Inbound(run), "TokenAudienceNotAllowed");
    }

    [Fact]
    public void Apply_WrongIssuer_TokenIssuerNotAllowed()
    {
        var run = Send(Harness(), "Bearer " + Valid(c => c["iss"] = "https://evil.test/"));

        AssertRefused(run, Inbound(run), "TokenIssuerNotAllowed");
    }

    [Fact]
    public void Apply_AlgNone_Refused()
    {
        var run = Send(Harness(), "Bearer " + TestTokens.None("rsa-1", TestTokens.Claims()));

        AssertRefused(run, Inbound(run), "TokenSignatureInvalid");
    }

    [Fact]
    public void Apply_Hs256KeyedWithTheRsaPublicKey_Refused()
    {
        // Key confusion: the attacker knows the RSA public key and uses its bytes as an HMAC secret under the RSA key's kid.
        var publicKeyBytes = Encoding.ASCII.GetBytes(Rsa.ExportSubjectPublicKeyInfoPem());
        var run = Send(Harness(), "Bearer " + TestTokens.Hs256(publicKeyBytes, "rsa-1", TestTokens.Claims()));

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.Contains(run.LastError!.Reason, new[] { "TokenSignatureInvalid", "TokenSignatureKeyNotFound" });
    }

    [Fact]
    public void Apply_UnknownKid_TokenSignatureKeyNotFound()
    {
        using var other = RSA.Create(2048);
        var run = Send(Harness(), "Bearer " + TestTokens.Rs256(other, "rsa-2", TestTokens.Claims()));

        AssertRefused(run, Inbound(run), "TokenSignatureKeyNotFound");
    }

    [Fact]
    public void Apply_KnownKidWrongSignature_TokenSignatureInvalid()
    {
        using var other = RSA.Create(2048);
        var run = Send(Harness(), "Bearer " + TestTokens.Rs256(other, "rsa-1", TestTokens.Claims()));

        AssertRefused(run, Inbound(run), "TokenSignatureInvalid");
    }

    [Fact]
    public void Apply_RequiredClaimMissing_TokenClaimNotFoundNamesIt()
    {
        var harness = Harness(""", "requiredClaims": [ { "name": "sub" }, { "name": "tenant" }, { "name": "scope", "values": ["orders.read"] } ]""");
        var run = Send(harness, "Bearer " + Valid());

        AssertRefused(run, Inbound(run), "TokenClaimNotFound");
        Assert.Equal("JWT is missing the following claims: tenant, scope. Access denied.", run.LastError!.Message);
    }

    [Theory]
    [InlineData("all", "orders.read orders.write", true)]
    [InlineData("all", "orders.read", false)]
    [InlineData("any", "orders.write", true)]
    [InlineData("any", "profile", false)]
    public void Apply_RequiredClaimValues_MatchAllOrAny(string match, string scope, bool passes)
    {
        var harness = Harness($$""", "requiredClaims": [ { "name": "scp", "match": "{{match}}", "separator": " ", "values": ["orders.read", "orders.write"] } ]""");
        var run = Send(harness, "Bearer " + Valid(c => c["scp"] = scope));

        var result = Inbound(run);

        Assert.Equal(passes ? PolicyResult.Continue : PolicyResult.Failed, result);
        Assert.Equal(passes ? null : "TokenClaimValueNotAllowed", run.LastError?.Reason);
    }

    [Fact]
    public void Apply_RequiredClaimArray_ValuesMatchItsItems()
    {
        var harness = Harness(""", "requiredClaims": [ { "name": "roles", "values": ["admin", "reader"] } ]""");

        Assert.Equal(PolicyResult.Continue, Inbound(Send(harness, "Bearer " + Valid(c => c["roles"] = new[] { "reader", "admin" }))));
        Assert.Equal(PolicyResult.Failed, Inbound(Send(harness, "Bearer " + Valid(c => c["roles"] = new[] { "reader" }))));
    }

    [Fact]
    public void Apply_OutputTokenVariable_LaterPoliciesReadItsClaims()
    {
        var harness = Harness(""", "outputTokenVariableName": "jwt" """, """
            , { "type": "set-header", "name": "X-Sub", "value": "@(((Jwt)context.Variables[\"jwt\"]).Claims.GetValueOrDefault(\"sub\", \"none\"))" },
            { "type": "set-header", "name": "X-Roles", "value": "@(((Jwt)context.Variables[\"jwt\"]).Claims.GetValueOrDefault(\"roles\", \"none\"))" },
            { "type": "set-header", "name": "X-Tenant", "value": "@(((Jwt)context.Variables[\"jwt\"]).Claims.GetValueOrDefault(\"tenant\", \"none\"))" }
            """);
        var run = Send(harness, "Bearer " + Valid(c => c["roles"] = new[] { "reader", "admin" }));

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Equal("alice", run.Http.Request.Headers["X-Sub"]);
        Assert.Equal("reader,admin", run.Http.Request.Headers["X-Roles"]);
        Assert.Equal("none", run.Http.Request.Headers["X-Tenant"]);
    }

    [Fact]
    public void Apply_RequireSchemeBearer_OtherSchemeRefusedBareTokenRefused()
    {
        var harness = Harness(""", "requireScheme": "Bearer" """);
        var token = Valid();

        Assert.Equal(PolicyResult.Continue, Inbound(Send(harness, "bearer " + token)));
        var basic = Send(harness, "Basic " + token);
        AssertRefused(basic, Inbound(basic), "JwtInvalid");
        var bare = Send(harness, token);
        AssertRefused(bare, Inbound(bare), "JwtInvalid");
    }

    [Fact]
    public void Apply_NoSchemeRequired_BareTokenInAuthorizationAccepted()
    {
        Assert.Equal(PolicyResult.Continue, Inbound(Send(Harness(), Valid())));
    }

    [Fact]
    public void Apply_AuthorizationHeaderTwice_Refused()
    {
        var token = "Bearer " + Valid();
        var run = Send(Harness(), null, r => r.Headers.Authorization = new Microsoft.Extensions.Primitives.StringValues([token, token]));

        AssertRefused(run, Inbound(run), "JwtInvalid");
    }

    [Fact]
    public void Apply_TokenInQueryWhenHeaderConfigured_NotPresent()
    {
        var run = Send(Harness(), null, r => r.QueryString = new Microsoft.AspNetCore.Http.QueryString("?access_token=" + Valid()));

        AssertRefused(run, Inbound(run), "TokenNotPresent");
    }

    [Fact]
    public void Apply_QueryParameterConfigured_ReadsTheQueryOnly()
    {
        var harness = Harness(""", "queryParameterName": "access_token" """);

        Assert.Equal(PolicyResult.Continue, Inbound(Send(harness, null, r => r.QueryString = new Microsoft.AspNetCore.Http.QueryString("?access_token=" + Valid()))));
        var headerOnly = Send(harness, "Bearer " + Valid());
        AssertRefused(headerOnly, Inbound(headerOnly), "TokenNotPresent");
    }

    [Fact]
    public void Apply_OversizedToken_RefusedWithoutParsing()
    {
        var run = Send(Harness(), "Bearer " + Valid(c => c["pad"] = new string('x', 20_000)));

        AssertRefused(run, Inbound(run), "JwtInvalid");
    }

    [Fact]
    public void Apply_FailedValidationCodeAndMessage_AreTheAnswer()
    {
        var run = Send(Harness(""", "failedValidationHttpCode": 403, "failedValidationErrorMessage": "Token required" """), null);

        AssertRefused(run, Inbound(run), "TokenNotPresent", 403);
        Assert.Equal("Token required", run.LastError!.Message);
    }
}
