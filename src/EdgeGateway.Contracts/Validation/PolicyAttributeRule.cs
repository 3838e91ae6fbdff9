using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// Every policy type: its attributes are the catalog's, of the catalog's kinds, the required ones present, and every
/// <c>{{name}}</c> in a value names a defined named value.
/// </summary>
internal sealed partial class PolicyAttributeRule : IPolicyRule
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

            References($"{item.Path}.{name}", value, context);
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
        AttrKind.Integer when value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n) || n < 0 =>
            "expected a whole number, zero or more",
        AttrKind.Boolean when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False) => "expected true or false",
        AttrKind.StringList when value.ValueKind != JsonValueKind.Array
            || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String) => "expected an array of strings",
        AttrKind.Object when value.ValueKind != JsonValueKind.Object => "expected an object",
        AttrKind.ObjectList when value.ValueKind != JsonValueKind.Array
            || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object) => "expected an array of objects",
        _ => null,
    };

    private static void References(string path, JsonElement value, ValidationContext context)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                foreach (Match m in NamedValueReference().Matches(value.GetString()!))
                {
                    if (!context.NamedValueIds.Contains(m.Groups[1].Value))
                    {
                        context.Error(path, $"references named value '{m.Groups[1].Value}', which is not defined");
                    }
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var element in value.EnumerateArray())
                {
                    References($"{path}[{i++}]", element, context);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    References($"{path}.{property.Name}", property.Value, context);
                }

                break;
            default:
                break;
        }
    }

    [GeneratedRegex(@"\{\{([^{}]*)\}\}")]
    private static partial Regex NamedValueReference();
}
