using Microsoft.IdentityModel.JsonWebTokens;

namespace EdgeGateway.Policies.Jwt;

/// <summary>
/// APIM's <c>&lt;claim name match separator&gt;&lt;value&gt;</c>: the claim must be in the token; with values, all of them
/// (<c>match: all</c>, the default) or one of them (<c>any</c>) among the claim's values (an array's items, or the parts
/// of a string split at <c>separator</c>, like a space-separated <c>scope</c>).
/// </summary>
internal sealed class RequiredClaim(string name, bool matchAll, string[] values, string? separator)
{
    public string Name { get; } = name;

    /// <summary>
    /// Null when the token's values of a present claim satisfy the match; else why not (the claim's name only, never the
    /// token's value). A missing claim is the caller's to report, with the other missing ones.
    /// </summary>
    public JwtFailure? CheckValues(JsonWebToken token)
    {
        if (values.Length == 0)
        {
            return null;
        }

        var satisfied = matchAll;
        foreach (var expected in values)
        {
            var has = Has(token, expected);
            if (has && !matchAll)
            {
                satisfied = true;
                break;
            }

            if (!has && matchAll)
            {
                satisfied = false;
                break;
            }
        }

        return satisfied ? null : new JwtFailure("TokenClaimValueNotAllowed", $"Claim {Name} value is not allowed. Access denied.");
    }

    public bool IsIn(JsonWebToken token) => token.TryGetClaim(Name, out _);

    private bool Has(JsonWebToken token, string expected)
    {
        foreach (var claim in token.Claims)
        {
            if (claim.Type == Name && (separator is null ? claim.Value == expected : Contains(claim.Value, expected)))
            {
                return true;
            }
        }

        return false;
    }

    private bool Contains(string value, string expected)
    {
        foreach (var part in value.Split(separator!, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == expected)
            {
                return true;
            }
        }

        return false;
    }
}
