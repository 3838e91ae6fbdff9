using System.Text.Json;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Contracts.Validation;

/// <summary>What a rule can know of an attribute's value at load: its text once named values are substituted.</summary>
internal static class PolicyLiterals
{
    /// <summary>
    /// The attribute's text with named values substituted, when it is a literal known here; null for an expression (checked
    /// per request by the gateway), a withheld secret, or an attribute that is absent or not a string.
    /// </summary>
    public static string? Of(PolicyItem item, string attribute, ValidationContext context)
    {
        if (item.Policy.Attributes?.TryGetValue(attribute, out var element) != true || element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var compiled = PolicyExpressions.CompileValue(element.GetString()!, context.NamedValues, item.Section).Value;
        return compiled is { IsConstant: true, IsKnown: true } ? compiled.Evaluate(null!) : null;
    }
}
