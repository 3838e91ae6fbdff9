using System.Globalization;
using System.Text.Json;
using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// rate-limit, rate-limit-by-key, quota, quota-by-key and limit-concurrency: what a gateway cannot count is refused at
/// load in both planes. Limits and periods are at least 1 (a zero period has no windows; a zero limit refuses everything,
/// which is a return-response); a quota counts calls, bandwidth or both; firstPeriodStart is an ISO 8601 date; the header
/// names a refusal or an admitted response carries are HTTP tokens the gateway does not manage, fixed at load.
/// </summary>
internal sealed class TrafficRules : IPolicyRule
{
    private static readonly string[] HeaderNames = ["retryAfterHeaderName", "remainingCallsHeaderName", "totalCallsHeaderName"];

    public bool AppliesTo(string type) => type is "rate-limit" or "rate-limit-by-key" or "quota" or "quota-by-key" or "limit-concurrency";

    public void Validate(PolicyItem item, ValidationContext context)
    {
        if (item.Shape.Type == "limit-concurrency")
        {
            AtLeastOne(item, "maxCount", context);
            return;
        }

        AtLeastOne(item, "renewalPeriod", context);
        AtLeastOne(item, "calls", context);
        if (item.Shape.Type.StartsWith("rate-limit", StringComparison.Ordinal))
        {
            AtLeastOne(item, "incrementCount", context);
            foreach (var name in HeaderNames)
            {
                HeaderName(item, name, context);
            }

            return;
        }

        AtLeastOne(item, "bandwidth", context);
        if (item.Policy.Attributes is not { } attributes || (!attributes.ContainsKey("calls") && !attributes.ContainsKey("bandwidth")))
        {
            context.Error(item.Path, $"'{item.Shape.Type}' needs calls, bandwidth or both: the quota counts them");
        }

        if (item.Policy.Attributes?.TryGetValue("firstPeriodStart", out var start) == true
            && PolicyLiterals.Read(item, $"{item.Path}.firstPeriodStart", start, context) is { } text
            && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            context.Error($"{item.Path}.firstPeriodStart", $"'{text}' is not an ISO 8601 date and time (like 2024-01-01T00:00:00Z)");
        }
    }

    /// <summary>An integer that must be at least 1 when present (negative and non-integers are PolicyAttributeRule's to report).</summary>
    private static void AtLeastOne(PolicyItem item, string name, ValidationContext context)
    {
        if (item.Policy.Attributes?.TryGetValue(name, out var value) == true && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt32(out var n) && n == 0)
        {
            context.Error($"{item.Path}.{name}", "must be at least 1");
        }
    }

    private static void HeaderName(PolicyItem item, string name, ValidationContext context)
    {
        var path = $"{item.Path}.{name}";
        if (item.Policy.Attributes?.TryGetValue(name, out var value) != true || PolicyLiterals.Read(item, path, value, context) is not { } text)
        {
            return;
        }

        if (text.Length == 0 || text.AsSpan().ContainsAnyExcept(TokenChars))
        {
            context.Error(path, $"'{text}' is not a header name (an HTTP token: letters, digits and !#$%&'*+-.^_`|~)");
        }
        else if (ManagedHeaders.Contains(text))
        {
            context.Error(path, $"'{text}' is managed by the gateway (message framing and connection headers cannot be set by a policy)");
        }
    }

    private static readonly System.Buffers.SearchValues<char> TokenChars =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}
