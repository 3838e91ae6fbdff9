using System.Text.Json;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// Attributes a policy reads once, at load, into a compiled matcher (addresses, origins): a literal or named values, not a
/// per-request expression. Gives the text after named values, or null when it cannot be checked here (a withheld secret,
/// or an error <see cref="PolicyValueRule"/> reports).
/// </summary>
internal static class PolicyLiterals
{
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
