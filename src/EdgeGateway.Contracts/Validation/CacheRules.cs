using System.Text.Json;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>cache-lookup</c> and <c>cache-store</c>: each once per section (as APIM); a duration of at least one second; a size
/// cap the cache can hold (1 byte to 16 MiB); vary-by names that are literals (the key is compiled at load) and, for
/// headers, HTTP tokens.
/// </summary>
internal sealed class CacheRules : IPolicyRule
{
    /// <summary>
    /// The largest entry cache-store's maxSize may allow: a quarter of the in-memory cache's default budget (64 MiB), so one
    /// entry always fits beside others (an entry the size of the whole budget never could: its head and key count too) and
    /// one store never empties the cache. The gateway buffers at most this much per response it stores.
    /// </summary>
    public const int MaxEntrySize = 16 * 1024 * 1024;

    public bool AppliesTo(string type) => type is "cache-lookup" or "cache-store";

    public void Validate(PolicyItem item, ValidationContext context)
    {
        var type = item.Policy.Type;
        for (var i = 0; i < item.Index; i++)
        {
            if (item.Siblings[i]?.Type == type)
            {
                context.Error(item.Path, $"a second '{type}' in this section (the first is [{i}]): APIM allows the policy once per section");
                break;
            }
        }

        var attributes = item.Policy.Attributes;
        if (attributes is null)
        {
            return;
        }

        if (type == "cache-store")
        {
            Range(item, attributes, "duration", 1, int.MaxValue, "seconds to keep the response: at least 1", context);
            Range(item, attributes, "maxSize", 1, MaxEntrySize, $"bytes of body an entry may hold: 1 to {MaxEntrySize} (16 MiB)", context);
            return;
        }

        foreach (var (path, value) in PolicyLiterals.Items(item, "varyByHeaders"))
        {
            if (PolicyLiterals.Read(item, path, value, context) is { } name && !IsToken(name.Trim()))
            {
                context.Error(path, $"'{name}' is not a header name (an HTTP token)");
            }
        }

        foreach (var (path, value) in PolicyLiterals.Items(item, "varyByQueryParameters"))
        {
            if (PolicyLiterals.Read(item, path, value, context) is { } name && name.Trim().Length == 0)
            {
                context.Error(path, "a query parameter name cannot be empty");
            }
        }
    }

    private static void Range(PolicyItem item, IReadOnlyDictionary<string, JsonElement> attributes, string name, int min, int max, string expected,
        ValidationContext context)
    {
        if (attributes.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number
            && (!value.TryGetInt32(out var number) || number < min || number > max))
        {
            context.Error($"{item.Path}.{name}", $"expected {expected}");
        }
    }

    private static bool IsToken(string text) => text.Length > 0 && !text.AsSpan().ContainsAnyExcept(TokenChars);

    private static readonly System.Buffers.SearchValues<char> TokenChars =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}
