using System.Text.Json;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// Every policy type: each string in its attributes (list items and nested objects too) that references named values or
/// is an expression compiles, as the gateway will compile it: every <c>{{name}}</c> names a defined named value, and every
/// expression is in the subset, valid in its section, and a bool where the attribute is a condition; an attribute APIM
/// takes literally (a variable's name) is no expression.
/// </summary>
internal sealed class PolicyValueRule : IPolicyRule
{
    public bool AppliesTo(string type) => true;

    public void Validate(PolicyItem item, ValidationContext context)
    {
        foreach (var (name, value) in item.Policy.Attributes ?? [])
        {
            // Unknown attributes are PolicyAttributeRule's to report; their values mean nothing.
            // Nested policies (choose) are checked by ChooseRule with the rules of their section, not as plain strings.
            if (item.Shape.Attributes.FirstOrDefault(a => a.Name == name) is { Kind: not (AttrKind.PolicyList or AttrKind.BranchList) } attr)
            {
                if (RefusesExpression(item, attr, value, context))
                {
                    continue;
                }

                Check($"{item.Path}.{name}", value, attr.IsCondition, attr.EvaluatedIn ?? item.Section, context);
            }
        }
    }

    /// <summary>
    /// An attribute APIM takes literally (<see cref="Attr.IsLiteral"/>) that holds an expression: reported, true. Also for
    /// policy-shaped objects checked outside the pipeline walk (send-request's children).
    /// </summary>
    internal static bool RefusesExpression(PolicyItem item, Attr attr, JsonElement value, ValidationContext context)
    {
        if (attr.IsLiteral && value.ValueKind == JsonValueKind.String && PolicyExpressions.IsExpression(value.GetString()!))
        {
            context.Error($"{item.Path}.{attr.Name}", $"'{attr.Name}' of '{item.Shape.Type}' takes a literal, not an expression (as in APIM)");
            return true;
        }

        return false;
    }

    private static void Check(string path, JsonElement value, bool condition, Sections section, ValidationContext context)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                var errors = condition
                    ? PolicyExpressions.CompileCondition(text, context.NamedValues, section).Errors
                    : PolicyExpressions.IsTemplate(text) ? PolicyExpressions.CompileValue(text, context.NamedValues, section).Errors : [];
                foreach (var error in errors)
                {
                    context.Error(path, error);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var element in value.EnumerateArray())
                {
                    Check($"{path}[{i++}]", element, false, section, context);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    Check($"{path}.{property.Name}", property.Value, false, section, context);
                }

                break;
            default:
                break;
        }
    }
}
