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
        return item.Policy.Attributes?.TryGetValue(attribute, out var element) == true ? Of(item, element, context) : null;
    }

    /// <summary>As <see cref="Of(PolicyItem, string, ValidationContext)"/>, for a value inside an attribute (a list item, an object's member).</summary>
    public static string? Of(PolicyItem item, JsonElement value, ValidationContext context)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var compiled = PolicyExpressions.CompileValue(value.GetString()!, context.NamedValues, item.Section).Value;
        return compiled is { IsConstant: true, IsKnown: true } ? compiled.Evaluate(null!) : null;
    }

    /// <summary>
    /// An attribute a policy reads once, at load, into a compiled matcher (addresses, origins): a literal or named values, not a
    /// per-request expression (an error here). Gives the text after named values, or null when it cannot be checked here (a
    /// withheld secret, or an error <see cref="PolicyValueRule"/> reports).
    /// </summary>
    public static string? Read(PolicyItem item, string path, JsonElement value, ValidationContext context)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = value.GetString()!;
        if (!PolicyExpressions.IsTemplate(text))
        {
            return text;
        }

        if (PolicyExpressions.IsExpression(text))
        {
            context.Error(path, $"'{item.Shape.Type}' takes a literal here (or named values), not an expression: it is compiled once, at load");
            return null;
        }

        var compiled = PolicyExpressions.CompileValue(text, context.NamedValues, item.Section).Value;
        return compiled is { IsKnown: true, IsConstant: true } ? compiled.Evaluate(null!) : null;
    }

    /// <summary>The items of a list attribute with their JSON paths.</summary>
    public static IEnumerable<(string Path, JsonElement Value)> Items(PolicyItem item, string name)
    {
        if (item.Policy.Attributes?.TryGetValue(name, out var list) == true && list.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var element in list.EnumerateArray())
            {
                yield return ($"{item.Path}.{name}[{i++}]", element);
            }
        }
    }
}
