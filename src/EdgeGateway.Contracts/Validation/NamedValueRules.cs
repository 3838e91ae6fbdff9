using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary><c>namedValues</c>: unique ids, a value (unless a withheld secret), and no references between named values.</summary>
internal static class NamedValueRules
{
    public static void Validate(IReadOnlyList<NamedValueDefinition> values, ValidationContext context)
    {
        var ids = ValidationContext.NewIdSet();
        for (var i = 0; i < values.Count; i++)
        {
            var path = $"namedValues[{i}]";
            var nv = values[i];
            if (nv is null)
            {
                context.Error(path, "must be an object");
                continue;
            }

            context.Id(path, nv.Id, ids, "named value");
            if (nv.Value is null && !(nv.Secret && context.Options.AllowWithheldSecrets))
            {
                context.Error($"{path}.value", "required");
            }
            else if (nv.Value is not null && nv.Value.Contains("{{", StringComparison.Ordinal))
            {
                context.Error($"{path}.value", "a named value must not reference another named value");
            }
        }
    }
}
