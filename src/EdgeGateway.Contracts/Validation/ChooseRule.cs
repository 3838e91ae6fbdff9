using System.Text.Json;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>choose</c>: at least one <c>when</c>, each a condition of the expression subset (compiled for the section the
/// choose stands in) and a policy list; the nested lists (and <c>otherwise</c>) are checked by every rule of that same
/// section, at paths like <c>apis[0].policies.inbound[2].when[0].policies[1]</c>. <c>base</c> is refused inside:
/// the outer scope's policies run where the scope's own list says, not conditionally.
/// </summary>
internal sealed class ChooseRule : IPolicyRule
{
    public bool AppliesTo(string type) => type == ChoosePolicy.Type;

    public void Validate(PolicyItem item, ValidationContext context)
    {
        var attributes = item.Policy.Attributes;
        if (attributes is not null && attributes.TryGetValue(ChoosePolicy.When, out var when) && when.ValueKind == JsonValueKind.Array)
        {
            if (when.GetArrayLength() == 0)
            {
                context.Error($"{item.Path}.{ChoosePolicy.When}", "needs at least one { \"condition\", \"policies\" } branch");
            }

            var i = 0;
            foreach (var branch in when.EnumerateArray())
            {
                Branch($"{item.Path}.{ChoosePolicy.When}[{i++}]", branch, item, context);
            }
        }

        if (attributes is not null && attributes.TryGetValue(ChoosePolicy.Otherwise, out var otherwise))
        {
            Nested($"{item.Path}.{ChoosePolicy.Otherwise}", otherwise, item, context);
        }
    }

    private static void Branch(string path, JsonElement branch, PolicyItem item, ValidationContext context)
    {
        if (branch.ValueKind != JsonValueKind.Object)
        {
            return; // PolicyAttributeRule reports the kind
        }

        var hasCondition = false;
        foreach (var property in branch.EnumerateObject())
        {
            switch (property.Name)
            {
                case ChoosePolicy.Condition when property.Value.ValueKind != JsonValueKind.String:
                    context.Error($"{path}.{ChoosePolicy.Condition}", "expected a string: a bool expression, or true or false");
                    hasCondition = true;
                    break;
                case ChoosePolicy.Condition:
                    hasCondition = true;
                    foreach (var error in PolicyExpressions.CompileCondition(property.Value.GetString()!, context.NamedValues, item.Section).Errors)
                    {
                        context.Error($"{path}.{ChoosePolicy.Condition}", error);
                    }

                    break;
                case ChoosePolicy.Policies:
                    Nested($"{path}.{ChoosePolicy.Policies}", property.Value, item, context);
                    break;
                default:
                    context.Error($"{path}.{property.Name}", "unknown field of a 'when' branch (expected condition and policies)");
                    break;
            }
        }

        if (!hasCondition)
        {
            context.Error($"{path}.{ChoosePolicy.Condition}", "required by a 'when' branch");
        }
    }

    private static void Nested(string path, JsonElement list, PolicyItem item, ValidationContext context)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            context.Error(path, "expected an array of policies");
            return;
        }

        PolicyRules.Default.Section(path, ChoosePolicy.Read(list)!, item.Section, item.Scope, context, nested: true);
    }
}
