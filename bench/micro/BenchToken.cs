using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace EdgeGateway.Bench;

/// <summary>
/// An RSA key and one RS256 token signed with it, made once per run: the token validate-jwt checks on every call, against
/// the key given inline (issuerSigningKeys), so no key is ever fetched: the "cached keys" case of issue 10.
/// </summary>
internal sealed class BenchToken
{
    public const string KeyId = "bench-rsa-1";
    public const string Issuer = "bench";
    public const string Audience = "bench";

    private BenchToken(string token, string signingKeyJson)
    {
        Token = token;
        SigningKeyJson = signingKeyJson;
    }

    /// <summary>The compact JWS, without the scheme.</summary>
    public string Token { get; }

    /// <summary>The key as one item of validate-jwt's issuerSigningKeys.</summary>
    public string SigningKeyJson { get; }

    public static BenchToken Create()
    {
        using var rsa = RSA.Create(2048);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Encode($$"""{"alg":"RS256","typ":"JWT","kid":"{{KeyId}}"}""");
        var payload = Encode($$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","sub":"bench-user","iat":{{now}},"nbf":{{now - 60}},"exp":{{now + 86400}}}""");
        var signature = rsa.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new BenchToken($"{header}.{payload}.{Base64Url.EncodeToString(signature)}", SigningKey(rsa.ExportParameters(false)));
    }

    // The only place that writes the key's shape (a JWK, docs/policies.md "validate-jwt"): change it here if that shape changes.
    private static string SigningKey(RSAParameters key) =>
        $$"""{ "kty": "RSA", "kid": "{{KeyId}}", "n": "{{Base64Url.EncodeToString(key.Modulus)}}", "e": "{{Base64Url.EncodeToString(key.Exponent)}}" }""";

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
