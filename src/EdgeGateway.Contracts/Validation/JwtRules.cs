using System.Text.Json;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>validate-jwt</c>, beyond its attribute kinds: where the token comes from (one of header, query parameter or value),
/// where the keys come from (an OpenID Connect discovery document over HTTPS, plain HTTP only on a loopback host, and/or
/// inline JWK-like key objects), required claims' shape, and which attributes must be known at load (keys, issuers,
/// audiences and claims are compiled once per snapshot: named values yes, request expressions no). Both planes run it, so
/// the plane refuses a document a gateway could not enforce.
/// </summary>
internal sealed class JwtRules : IPolicyRule
{
    public const string Type = "validate-jwt";

    /// <summary>The shortest HS256 key accepted (RFC 7518 §3.2: a key the size of the hash output, 256 bits).</summary>
    public const int MinHmacKeyBytes = 32;

    /// <summary>The smallest RSA modulus accepted, in bytes (2048 bits).</summary>
    public const int MinRsaModulusBytes = 256;

    private static readonly string[] KeyTypes = ["RSA", "EC", "oct"];

    public bool AppliesTo(string type) => type == Type;

    public void Validate(PolicyItem item, ValidationContext context)
    {
        var attributes = item.Policy.Attributes ?? [];
        TokenSource(item, context, attributes);
        Literal(item, context, attributes, "requireScheme");

        FailedValidationHttpCode(item, context, attributes);

        if (attributes.TryGetValue("clockSkew", out var skew) && skew.ValueKind == JsonValueKind.Number && skew.TryGetInt64(out var seconds) && seconds > 86400)
        {
            context.Error($"{item.Path}.clockSkew", "at most 86400 seconds (one day)");
        }

        StringList(item, context, attributes, "issuers");
        StringList(item, context, attributes, "audiences");
        var hasOpenId = OpenIdConfig(item, context, attributes);
        var hasKeys = SigningKeys(item, context, attributes);
        RequiredClaims(item, context, attributes);

        var signed = !attributes.TryGetValue("requireSignedTokens", out var requireSigned) || requireSigned.ValueKind != JsonValueKind.False;
        if (signed && !hasOpenId && !hasKeys)
        {
            context.Error(item.Path, "validate-jwt needs keys to check signatures: openidConfig { \"url\": ... } or issuerSigningKeys");
        }
    }

    /// <summary>One place to read the token from; header and parameter names compiled once (shared with validate-azure-ad-token).</summary>
    internal static void TokenSource(PolicyItem item, ValidationContext context, IReadOnlyDictionary<string, JsonElement> attributes)
    {
        var sources = new[] { "headerName", "queryParameterName", "tokenValue" }.Where(attributes.ContainsKey).ToList();
        if (sources.Count > 1)
        {
            context.Error($"{item.Path}.{sources[1]}", $"give one of headerName, queryParameterName or tokenValue, not {string.Join(" and ", sources)}");
        }

        foreach (var name in new[] { "headerName", "queryParameterName" })
        {
            Literal(item, context, attributes, name);
        }
    }

    internal static void FailedValidationHttpCode(PolicyItem item, ValidationContext context, IReadOnlyDictionary<string, JsonElement> attributes)
    {
        if (attributes.TryGetValue("failedValidationHttpCode", out var code) && code.ValueKind == JsonValueKind.Number
            && code.TryGetInt32(out var status) && status is < 400 or > 599)
        {
            context.Error($"{item.Path}.failedValidationHttpCode", $"{status} is not an error status (400-599)");
        }
    }

    private static bool OpenIdConfig(PolicyItem item, ValidationContext context, IReadOnlyDictionary<string, JsonElement> attributes)
    {
        if (!attributes.TryGetValue("openidConfig", out var config) || config.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var path = $"{item.Path}.openidConfig";
        foreach (var property in config.EnumerateObject().Where(p => p.Name != "url"))
        {
            context.Error($"{path}.{property.Name}", "unknown attribute for 'openidConfig' (it takes url)");
        }

        if (!config.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String)
        {
            context.Error($"{path}.url", "required: the discovery document's URL (like https://login.example.com/.well-known/openid-configuration)");
            return true;
        }

        if (Constant(url.GetString()!, context, $"{path}.url", out var text) && JwtMetadataUrl.Check(text!) is { } problem)
        {
            context.Error($"{path}.url", problem);
        }

        return true;
    }

    private static bool SigningKeys(PolicyItem item, ValidationContext context, IReadOnlyDictionary<string, JsonElement> attributes)
    {
        if (!attributes.TryGetValue("issuerSigningKeys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var i = 0;
        foreach (var key in keys.EnumerateArray())
        {
            if (key.ValueKind == JsonValueKind.Object)
            {
                SigningKey($"{item.Path}.issuerSigningKeys[{i}]", key, context);
            }

            i++;
        }

        if (i == 0)
        {
            context.Error($"{item.Path}.issuerSigningKeys", "must list at least one key");
        }

        return true;
    }

    private static void SigningKey(string path, JsonElement key, ValidationContext context)
    {
        string? Text(string name) => key.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        var kty = Text("kty");
        if (kty is null || !KeyTypes.Contains(kty, StringComparer.Ordinal))
        {
            context.Error($"{path}.kty", "required: \"RSA\" (with n and e), \"EC\" (with crv P-256, x and y) or \"oct\" (with k)");
            return;
        }

        string[] fields = kty switch
        {
            "RSA" => ["n", "e"],
            "EC" => ["crv", "x", "y"],
            _ => ["k"],
        };
        foreach (var property in key.EnumerateObject())
        {
            if (property.Name is not ("kty" or "kid") && !fields.Contains(property.Name))
            {
                context.Error($"{path}.{property.Name}", $"unknown attribute for a '{kty}' key (it takes kid, {string.Join(", ", fields)})");
            }
            else if (property.Value.ValueKind != JsonValueKind.String)
            {
                context.Error($"{path}.{property.Name}", "expected a string");
            }
        }

        foreach (var field in fields)
        {
            if (Text(field) is not { } value)
            {
                context.Error($"{path}.{field}", $"required for a '{kty}' key");
                continue;
            }

            if (!Constant(value, context, $"{path}.{field}", out var text) || text is null)
            {
                continue;
            }

            if (field == "crv")
            {
                if (text != "P-256")
                {
                    context.Error($"{path}.crv", $"'{text}' is not supported: ES256 keys are on P-256");
                }

                continue;
            }

            var bytes = Base64Url(text);
            var problem = bytes is null ? "is not base64url"
                : field == "k" && bytes.Length < MinHmacKeyBytes ? $"an HS256 key must be at least {MinHmacKeyBytes} bytes"
                : field == "n" && bytes.Length < MinRsaModulusBytes ? "an RSA key must be at least 2048 bits"
                : field is "x" or "y" && bytes.Length != 32 ? "a P-256 coordinate is 32 bytes"
                : null;
            if (problem is not null)
            {
                // Never the value itself: it may be a secret.
                context.Error($"{path}.{field}", problem);
            }
        }
    }

    internal static void RequiredClaims(PolicyItem item, ValidationContext context, IReadOnlyDictionary<string, JsonElement> attributes)
    {
        if (!attributes.TryGetValue("requiredClaims", out var claims) || claims.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var i = 0;
        foreach (var claim in claims.EnumerateArray())
        {
            var path = $"{item.Path}.requiredClaims[{i++}]";
            if (claim.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var property in claim.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "name" or "separator" when property.Value.ValueKind == JsonValueKind.String:
                        Constant(property.Value.GetString()!, context, $"{path}.{property.Name}", out _, item.Shape.Type);
                        break;
                    case "match" when property.Value.ValueKind == JsonValueKind.String:
                        context.OneOf($"{path}.match", property.Value.GetString(), ["all", "any"]);
                        break;
                    case "values" when property.Value.ValueKind == JsonValueKind.Array
                        && property.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String):
                        var j = 0;
                        foreach (var value in property.Value.EnumerateArray())
                        {
                            Constant(value.GetString()!, context, $"{path}.values[{j++}]", out _, item.Shape.Type);
                        }

                        break;
                    case "name" or "separator" or "match":
                        context.Error($"{path}.{property.Name}", "expected a string");
                        break;
                    case "values":
                        context.Error($"{path}.values", "expected an array of strings");
                        break;
                    default:
                        context.Error($"{path}.{property.Name}", "unknown attribute for a required claim (it takes name, match, values, separator)");
                        break;
                }
            }

            if (!claim.TryGetProperty("name", out _))
            {
                context.Error($"{path}.name", "required: the claim's name");
            }
        }
    }

    internal static void Literal(PolicyItem item, ValidationContext context, IReadOnlyDictionary<string, JsonElement> attributes, string name)
    {
        if (attributes.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String)
        {
            Constant(value.GetString()!, context, $"{item.Path}.{name}", out _, item.Shape.Type);
        }
    }

    internal static void StringList(PolicyItem item, ValidationContext context, IReadOnlyDictionary<string, JsonElement> attributes, string name)
    {
        if (attributes.TryGetValue(name, out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var value in list.EnumerateArray())
            {
                if (value.ValueKind == JsonValueKind.String)
                {
                    Constant(value.GetString()!, context, $"{item.Path}.{name}[{i}]", out _, item.Shape.Type);
                }

                i++;
            }
        }
    }

    /// <summary>
    /// A text the gateway compiles once per snapshot: literal or named values, no request expression. True with its
    /// value when that value is known here (a withheld secret, or a reference PolicyValueRule reports, is not).
    /// </summary>
    internal static bool Constant(string raw, ValidationContext context, string path, out string? text, string policy = Type)
    {
        text = null;
        if (PolicyExpressions.IsExpression(raw))
        {
            context.Error(path, $"takes a literal or named values, not an expression: {policy} compiles it once per snapshot");
            return false;
        }

        var compiled = PolicyExpressions.CompileValue(raw, context.NamedValues, Sections.Inbound).Value;
        if (compiled is { IsKnown: true, IsConstant: false })
        {
            context.Error(path, $"takes a literal or named values, not an expression: {policy} compiles it once per snapshot");
            return false;
        }

        if (compiled is not { IsKnown: true })
        {
            return false;
        }

        text = compiled.Evaluate(null!);
        return true;
    }

    private static byte[]? Base64Url(string text)
    {
        try
        {
            var padded = text.Replace('-', '+').Replace('_', '/');
            padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
            return text.Length == 0 || text.Contains('=') ? null : Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
