using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EdgeGateway.Tests.Policies.Jwt;

/// <summary>
/// Tokens made by hand (header.payload.signature over System.Security.Cryptography), so that tests can also make the
/// tokens no library would: <c>alg: none</c>, an HS256 token keyed with an RSA public key's bytes, a wrong signature.
/// Shared with the end-to-end tests.
/// </summary>
internal static class TestTokens
{
    public const string Issuer = "https://idp.test/";

    public const string Audience = "api://orders";

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A payload valid now: iss, aud, nbf a minute ago, exp in an hour, sub; <paramref name="extra"/> added or replacing.</summary>
    public static Dictionary<string, object?> Claims(Action<Dictionary<string, object?>>? extra = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = "alice", ["nbf"] = now - 60, ["iat"] = now - 60, ["exp"] = now + 3600,
        };
        extra?.Invoke(claims);
        return claims;
    }

    public static string Rs256(RSA key, string? kid, Dictionary<string, object?> claims) =>
        Sign("RS256", kid, claims, data => key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static string Es256(ECDsa key, string? kid, Dictionary<string, object?> claims) =>
        Sign("ES256", kid, claims, data => key.SignData(data, HashAlgorithmName.SHA256));

    public static string Hs256(byte[] key, string? kid, Dictionary<string, object?> claims) =>
        Sign("HS256", kid, claims, data => HMACSHA256.HashData(key, data));

    /// <summary>An unsigned token: <c>alg: none</c>, empty signature.</summary>
    public static string None(string? kid, Dictionary<string, object?> claims) => Sign("none", kid, claims, _ => []);

    public static string Sign(string alg, string? kid, Dictionary<string, object?> claims, Func<byte[], byte[]> sign)
    {
        var header = new Dictionary<string, object?> { ["alg"] = alg, ["typ"] = "JWT" };
        if (kid is not null)
        {
            header["kid"] = kid;
        }

        var input = $"{B64(JsonSerializer.SerializeToUtf8Bytes(header))}.{B64(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        return $"{input}.{B64(sign(Encoding.ASCII.GetBytes(input)))}";
    }

    /// <summary>An RSA public key as a JWK (JSON object text), as a JWKS or an inline issuerSigningKeys entry holds it.</summary>
    public static string RsaJwk(RSA key, string kid)
    {
        var p = key.ExportParameters(false);
        return $$"""{ "kty": "RSA", "kid": "{{kid}}", "n": "{{B64(p.Modulus!)}}", "e": "{{B64(p.Exponent!)}}" }""";
    }

    public static string EcJwk(ECDsa key, string kid)
    {
        var p = key.ExportParameters(false);
        return $$"""{ "kty": "EC", "kid": "{{kid}}", "crv": "P-256", "x": "{{B64(p.Q.X!)}}", "y": "{{B64(p.Q.Y!)}}" }""";
    }

    public static string OctJwk(byte[] key, string kid) => $$"""{ "kty": "oct", "kid": "{{kid}}", "k": "{{B64(key)}}" }""";
}
