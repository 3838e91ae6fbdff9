using System.Text.Json;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// Attributes that are the status of an answer the gateway sends: a final status (no 1xx, which an HTTP server cannot send
/// as an answer; no 600 and above, which is not HTTP), and for a failed check an error status, as validate-jwt's
/// failedValidationHttpCode. Refused at load in both planes, so a gateway never writes a status line a client cannot read.
/// </summary>
internal sealed class StatusCodeRule : IPolicyRule
{
    private static readonly Dictionary<string, (string Attribute, int Min, int Max, string Kind)> Statuses = new(StringComparer.Ordinal)
    {
        ["set-status"] = ("code", 200, 599, "a final HTTP status"),
        ["return-response"] = ("statusCode", 200, 599, "a final HTTP status"),
        ["check-header"] = ("failedCheckHttpCode", 400, 599, "an HTTP error status"),
    };

    public bool AppliesTo(string type) => Statuses.ContainsKey(type);

    public void Validate(PolicyItem item, ValidationContext context)
    {
        var (attribute, min, max, kind) = Statuses[item.Shape.Type];
        if (item.Policy.Attributes?.TryGetValue(attribute, out var value) == true && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt32(out var code) && (code < min || code > max)) // beyond int: PolicyAttributeRule says so
        {
            context.Error($"{item.Path}.{attribute}", $"expected {kind}, {min} to {max}");
        }
    }
}
