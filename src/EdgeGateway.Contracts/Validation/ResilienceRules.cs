using System.Text.Json;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// retry and forward-request: numbers a gateway can honour. retry's count is APIM's 1 to 50; its waits and forward-request's
/// timeout are whole seconds within bounds that keep a request from being held for hours.
/// </summary>
internal sealed class ResilienceRules : IPolicyRule
{
    public const int MaxRetries = 50;

    /// <summary>The longest wait between two attempts, in seconds.</summary>
    public const int MaxWaitSeconds = 600;

    /// <summary>The longest forward-request timeout, in seconds: the backend timeout's bound (01:00:00).</summary>
    public const int MaxTimeoutSeconds = 3600;

    public bool AppliesTo(string type) => type is "retry" or "forward-request";

    public void Validate(PolicyItem item, ValidationContext context)
    {
        if (item.Shape.Type == "forward-request")
        {
            Range(item, "timeout", 1, MaxTimeoutSeconds, context);
            return;
        }

        Range(item, "count", 1, MaxRetries, context);
        var interval = Range(item, "interval", 0, MaxWaitSeconds, context);
        Range(item, "delta", 0, MaxWaitSeconds, context);
        if (Range(item, "maxInterval", 1, MaxWaitSeconds, context) is { } max && interval is { } first && max < first)
        {
            context.Error($"{item.Path}.maxInterval", "must not be less than interval");
        }
    }

    /// <summary>The attribute's value when it is an integer in range; null when absent or wrong (wrong: an error here or in PolicyAttributeRule).</summary>
    private static int? Range(PolicyItem item, string name, int min, int max, ValidationContext context)
    {
        if (item.Policy.Attributes?.TryGetValue(name, out var value) != true || value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n))
        {
            return null;
        }

        if (n < min || n > max)
        {
            context.Error($"{item.Path}.{name}", $"must be {min} to {max}");
            return null;
        }

        return n;
    }
}
