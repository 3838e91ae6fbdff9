using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>validate-jwt as both planes check it at load: token source, key sources and their URLs, key shapes, required claims.</summary>
public sealed class JwtRulesTests
{
    private const string Rsa = """{ "kty": "RSA", "kid": "k1", "n": "{{N}}", "e": "AQAB" }""";

    // 2048 bits of modulus, base64url: the shape matters here, not the key.
    private static readonly string N = Convert.ToBase64String(Enumerable.Repeat((byte)0xC5, 256).ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static ValidationReport Validate(string jwtAttributes, string namedValues = "[]")
    {
        var json = $$"""
            { "schemaVersion": 1, "namedValues": {{namedValues}}, "policies": { "inbound": [ { "type": "validate-jwt" {{jwtAttributes}} } ] } }
            """;
        var parsed = SnapshotReader.Parse(Samples.Utf8(json));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return SnapshotValidator.Validate(parsed.Snapshot!);
    }

    private static string[] Errors(ValidationReport report) => [.. report.Errors.Select(e => e.ToString())];

    [Theory]
    [InlineData("https://login.example.com/.well-known/openid-configuration")]
    [InlineData("http://127.0.0.1:5001/.well-known/openid-configuration")]
    [InlineData("http://localhost/.well-known/openid-configuration")]
    [InlineData("http://[::1]:8080/oidc")]
    public void Validate_OpenIdConfigHttpsOrLoopback_AcceptedAndEnforced(string url)
    {
        var report = Validate($$""", "openidConfig": { "url": "{{url}}" }, "audiences": ["api"], "issuers": ["https://login.example.com/"]""");

        Assert.Empty(report.Errors);
    }

    [Fact]
    public void Validate_OpenIdConfigPlainHttpNotLoopback_Refused()
    {
        var report = Validate(""", "openidConfig": { "url": "http://login.example.com/.well-known/openid-configuration" }""");

        Assert.Equal(
            ["policies.inbound[0].openidConfig.url: 'http://login.example.com/.well-known/openid-configuration' uses plain http:// to a host that is not loopback; metadata and keys must come over https:// (http:// only for localhost, 127.0.0.0/8 or ::1)"],
            Errors(report));
    }

    [Fact]
    public void Validate_OpenIdConfigUrlFromNamedValue_CheckedAfterSubstitution()
    {
        var report = Validate(""", "openidConfig": { "url": "{{idp}}/.well-known/openid-configuration" }""",
            """[ { "id": "idp", "value": "http://idp.internal" } ]""");

        Assert.Single(report.Errors);
        Assert.Contains("plain http://", report.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoKeys_RefusedUnlessUnsignedTokensAllowed()
    {
        Assert.Equal(
            ["policies.inbound[0]: validate-jwt needs keys to check signatures: openidConfig { \"url\": ... } or issuerSigningKeys"],
            Errors(Validate("")));
        Assert.Empty(Validate(""", "requireSignedTokens": false""").Errors);
    }

    [Fact]
    public void Validate_TwoTokenSources_Refused()
    {
        var report = Validate($$""", "headerName": "X-Token", "queryParameterName": "t", "issuerSigningKeys": [ {{Rsa.Replace("{{N}}", N, StringComparison.Ordinal)}} ]""");

        Assert.Equal(["policies.inbound[0].queryParameterName: give one of headerName, queryParameterName or tokenValue, not headerName and queryParameterName"], Errors(report));
    }

    [Fact]
    public void Validate_InlineKeysOfEachType_Accepted()
    {
        var k = Convert.ToBase64String(new byte[32]).TrimEnd('=');
        var xy = Convert.ToBase64String(new byte[32]).TrimEnd('=');
        var report = Validate($$"""
            , "issuerSigningKeys": [ {{Rsa.Replace("{{N}}", N, StringComparison.Ordinal)}},
                { "kty": "EC", "crv": "P-256", "x": "{{xy}}", "y": "{{xy}}" }, { "kty": "oct", "k": "{{k}}" }, { "kty": "oct", "k": "NAMED_KEY" } ]
            """.Replace("NAMED_KEY", "{{hmac}}", StringComparison.Ordinal), """[ { "id": "hmac", "value": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "secret": true } ]""");

        Assert.Empty(report.Errors);
    }

    [Fact]
    public void Validate_BadKeys_EachNamedAtItsPathWithoutItsValue()
    {
        var report = Validate("""
            , "issuerSigningKeys": [ { "kty": "oct", "k": "c2hvcnQ" }, { "kty": "RSA", "n": "AQAB", "e": "AQAB" },
                { "kty": "EC", "crv": "P-384", "x": "AA", "y": "AA" }, { "kty": "DSA" }, { "kty": "oct", "k": "not base64url!", "use": "sig" } ]
            """);

        Assert.Equal(
            [
                "policies.inbound[0].issuerSigningKeys[0].k: an HS256 key must be at least 32 bytes",
                "policies.inbound[0].issuerSigningKeys[1].n: an RSA key must be at least 2048 bits",
                "policies.inbound[0].issuerSigningKeys[2].crv: 'P-384' is not supported: ES256 keys are on P-256",
                "policies.inbound[0].issuerSigningKeys[2].x: a P-256 coordinate is 32 bytes",
                "policies.inbound[0].issuerSigningKeys[2].y: a P-256 coordinate is 32 bytes",
                "policies.inbound[0].issuerSigningKeys[3].kty: required: \"RSA\" (with n and e), \"EC\" (with crv P-256, x and y) or \"oct\" (with k)",
                "policies.inbound[0].issuerSigningKeys[4].use: unknown attribute for a 'oct' key (it takes kid, k)",
                "policies.inbound[0].issuerSigningKeys[4].k: is not base64url",
            ],
            Errors(report));
    }

    [Fact]
    public void Validate_ExpressionsWhereCompiledOnce_Refused()
    {
        var report = Validate($$"""
            , "issuerSigningKeys": [ {{Rsa.Replace("{{N}}", N, StringComparison.Ordinal)}} ], "issuers": ["@(context.Api.Name)"],
              "requiredClaims": [ { "name": "scp", "values": ["@(context.Api.Name)"] } ],
              "tokenValue": "@(context.Request.Headers.GetValueOrDefault(\"X-Token\", \"\"))",
              "failedValidationErrorMessage": "@(\"denied: \" + context.Api.Name)"
            """);

        Assert.Equal(
            [
                "policies.inbound[0].issuers[0]: takes a literal or named values, not an expression: validate-jwt compiles it once per snapshot",
                "policies.inbound[0].requiredClaims[0].values[0]: takes a literal or named values, not an expression: validate-jwt compiles it once per snapshot",
            ],
            Errors(report));
    }

    [Fact]
    public void Validate_RequiredClaimsShape_Checked()
    {
        var report = Validate($$"""
            , "issuerSigningKeys": [ {{Rsa.Replace("{{N}}", N, StringComparison.Ordinal)}} ],
              "requiredClaims": [ { "name": "scp", "match": "some", "values": ["a"], "separator": " " }, { "match": "any", "value": "x" } ]
            """);

        Assert.Equal(
            [
                "policies.inbound[0].requiredClaims[0].match: 'some' is not one of all, any",
                "policies.inbound[0].requiredClaims[1].value: unknown attribute for a required claim (it takes name, match, values, separator)",
                "policies.inbound[0].requiredClaims[1].name: required: the claim's name",
            ],
            Errors(report));
    }

    [Fact]
    public void Validate_FailedValidationHttpCodeNotAnError_Refused()
    {
        var report = Validate($$""", "failedValidationHttpCode": 200, "issuerSigningKeys": [ {{Rsa.Replace("{{N}}", N, StringComparison.Ordinal)}} ]""");

        Assert.Equal(["policies.inbound[0].failedValidationHttpCode: 200 is not an error status (400-599)"], Errors(report));
    }
}
