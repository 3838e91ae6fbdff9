using System.Text.Json;
using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>cors</c>: origins are <c>*</c> alone or browser origins (<c>https://app.example.com</c>); <c>*</c> with
/// <c>allowCredentials</c> is refused, as APIM refuses it (browsers ignore such an answer); methods and header names are
/// HTTP tokens or <c>*</c> alone; one cors per section (APIM: the policy may be used once in a section).
/// </summary>
internal sealed class CorsRules : IPolicyRule
{
    public bool AppliesTo(string type) => type == "cors";

    public void Validate(PolicyItem item, ValidationContext context)
    {
        for (var i = 0; i < item.Index; i++)
        {
            if (item.Siblings[i]?.Type == "cors")
            {
                context.Error(item.Path, $"a second 'cors' in this section (the first is [{i}]): APIM allows the policy once per section");
                break;
            }
        }

        var origins = List(item, "allowedOrigins", context, text => CorsOrigins.Normalize(text) is null
            ? $"'{text}' is not an origin (scheme://host[:port], no path) or '*'" : null);
        if (item.Policy.Attributes?.TryGetValue("allowedOrigins", out var list) == true && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == 0)
        {
            context.Error($"{item.Path}.allowedOrigins", "needs at least one origin, or '*'");
        }

        if (origins && item.Policy.Attributes?.TryGetValue("allowCredentials", out var credentials) == true && credentials.ValueKind == JsonValueKind.True)
        {
            context.Error($"{item.Path}.allowCredentials", "cannot be true when allowedOrigins is '*' (as APIM; browsers refuse credentials with a wildcard origin): list the origins");
        }

        List(item, "allowedMethods", context, Token);
        List(item, "allowedHeaders", context, Token);
        List(item, "exposeHeaders", context, Token);
    }

    /// <summary>Checks each entry; returns whether the list is exactly <c>*</c>.</summary>
    private static bool List(PolicyItem item, string name, ValidationContext context, Func<string, string?> check)
    {
        var items = PolicyLiterals.Items(item, name).ToList();
        var wildcard = false;
        foreach (var (path, value) in items)
        {
            if (PolicyLiterals.Read(item, path, value, context) is not { } text)
            {
                continue;
            }

            if (text.Trim() == CorsOrigins.Any)
            {
                wildcard = true;
                if (items.Count > 1)
                {
                    context.Error(path, "'*' stands alone: it allows everything, so other entries would mean nothing");
                }
            }
            else if (check(text) is { } error)
            {
                context.Error(path, error);
            }
        }

        return wildcard && items.Count == 1;
    }

    private static string? Token(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length > 0 && !trimmed.AsSpan().ContainsAnyExcept(TokenChars) ? null : $"'{text}' is not an HTTP token (a method or header name)";
    }

    private static readonly System.Buffers.SearchValues<char> TokenChars =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}
