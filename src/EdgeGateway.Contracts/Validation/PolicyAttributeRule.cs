using System.Text.Json;
using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// Every policy type: its attributes are the catalog's, of the catalog's kinds, and the required ones present.
/// What the strings in them say (named values, expressions) is <see cref="PolicyValueRule"/>'s.
/// </summary>
internal sealed class PolicyAttributeRule : IPolicyRule
{
    public bool AppliesTo(string type) => true;

    public void Validate(PolicyItem item, ValidationContext context)
    {
        var shape = item.Shape;
        var attributes = item.Policy.Attributes ?? [];
        foreach (var (name, value) in attributes)
        {
            var attr = shape.Attributes.FirstOrDefault(a => a.Name == name);
            if (attr is null)
            {
                context.Error($"{item.Path}.{name}", $"unknown attribute for '{shape.Type}'");
                continue;
            }

            if (CheckValue(attr, value) is { } message)
            {
                context.Error($"{item.Path}.{name}", message);
            }
        }

        foreach (var attr in shape.Attributes.Where(a => a.Required && !attributes.ContainsKey(a.Name)))
        {
            context.Error($"{item.Path}.{attr.Name}", $"required by '{shape.Type}'");
        }
    }

    private static string? CheckValue(Attr attr, JsonElement value) => attr.Kind switch
    {
        AttrKind.String when value.ValueKind != JsonValueKind.String => "expected a string",
        AttrKind.String when attr.AllowedValues is { } allowed && !allowed.Contains(value.GetString()) =>
            $"expected one of {string.Join(", ", allowed)}",
        AttrKind.Integer when value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n) || n < 0 =>
            "expected a whole number from 0 to 2147483647",
        AttrKind.Boolean when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False) => "expected true or false",
        AttrKind.StringList when value.ValueKind != JsonValueKind.Array
            || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String) => "expected an array of strings",
        AttrKind.Object when value.ValueKind != JsonValueKind.Object => "expected an object",
        AttrKind.ObjectList when value.ValueKind != JsonValueKind.Array
            || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object) => "expected an array of objects",
        AttrKind.PolicyList when value.ValueKind != JsonValueKind.Array => "expected an array of policies",
        AttrKind.BranchList when value.ValueKind != JsonValueKind.Array
            || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object) => "expected an array of { \"condition\", \"policies\" } objects",
        _ => null,
    };

}
