using System.Text;
using System.Text.Json;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Contracts.Snapshot;

namespace ManagementPlane.PolicyXml;

/// <summary>
/// The snapshot's JSON (<see cref="PolicySet"/>) → APIM policy XML, the reverse of <see cref="PolicyXmlReader"/> through the
/// same <see cref="PolicyXmlMap"/>. <c>xml</c> escapes everything as XML requires; <c>rawxml</c> writes expressions as they
/// are (APIM's raw form), escaping only the rest.
/// </summary>
internal sealed class PolicyXmlWriter
{
    private readonly StringBuilder builder = new();
    private readonly bool raw;

    private PolicyXmlWriter(bool raw) => this.raw = raw;

    public static string WritePolicies(PolicySet set, bool raw)
    {
        var writer = new PolicyXmlWriter(raw);
        writer.builder.Append("<policies>\n");
        writer.Section("inbound", set.Inbound);
        writer.Section("backend", set.Backend);
        writer.Section("outbound", set.Outbound);
        writer.Section("on-error", set.OnError);
        writer.builder.Append("</policies>\n");
        return writer.builder.ToString();
    }

    public static string WriteFragment(IReadOnlyList<PolicyDefinition> policies, bool raw)
    {
        var writer = new PolicyXmlWriter(raw);
        writer.builder.Append("<fragment>\n");
        foreach (var policy in policies)
        {
            writer.Policy(policy, 1);
        }

        writer.builder.Append("</fragment>\n");
        return writer.builder.ToString();
    }

    private void Section(string name, IReadOnlyList<PolicyDefinition>? policies)
    {
        if (policies is null)
        {
            return;
        }

        if (policies.Count == 0)
        {
            Indent(1).Append('<').Append(name).Append(" />\n");
            return;
        }

        Indent(1).Append('<').Append(name).Append(">\n");
        foreach (var policy in policies)
        {
            Policy(policy, 2);
        }

        Indent(1).Append("</").Append(name).Append(">\n");
    }

    private void Policy(PolicyDefinition policy, int depth)
    {
        var type = policy.Type ?? "";
        var attributes = policy.Attributes ?? [];
        if (type == PolicyXmlReader.IncludeFragment)
        {
            var id = attributes.TryGetValue(PolicyXmlReader.FragmentId, out var value) ? Scalar(value) : "";
            Indent(depth).Append("<include-fragment fragment-id=\"").Append(Escape(id, attribute: true)).Append("\" />\n");
            return;
        }

        var shape = type == PolicyXmlMap.SetUrl ? PolicyXmlMap.SetUrlShape : PolicyXmlMap.For(type);
        Indent(depth).Append('<').Append(type);
        foreach (var (name, value) in attributes)
        {
            if (name != shape.Content && shape.ChildForAttr(name) is null)
            {
                Attribute(PolicyXmlMap.XmlName(shape, name), Scalar(value));
            }
        }

        if (shape.Content is { } content)
        {
            if (attributes.TryGetValue(content, out var text))
            {
                builder.Append('>').Append(Escape(Scalar(text), attribute: false)).Append("</").Append(type).Append(">\n");
            }
            else
            {
                builder.Append(" />\n");
            }

            return;
        }

        var start = builder.Length;
        builder.Append(">\n");
        var before = builder.Length;
        foreach (var map in shape.Children)
        {
            Child(map, attributes, depth + 1);
        }

        if (builder.Length == before)
        {
            builder.Length = start;
            builder.Append(" />\n");
            return;
        }

        Indent(depth).Append("</").Append(type).Append(">\n");
    }

    private void Child(ChildMap map, Dictionary<string, JsonElement> attributes, int depth)
    {
        var has = attributes.TryGetValue(map.Attr, out var value);
        switch (map.Kind)
        {
            case ChildKind.Text when has:
                Indent(depth).Append('<').Append(map.Element).Append('>').Append(Escape(Scalar(value), attribute: false))
                    .Append("</").Append(map.Element).Append(">\n");
                break;
            case ChildKind.Repeated:
                if (map.Single is not null && attributes.TryGetValue(map.Single, out var single))
                {
                    TextElement(map.Element, Scalar(single), depth);
                }

                if (has)
                {
                    foreach (var item in value.EnumerateArray())
                    {
                        TextElement(map.Element, Scalar(item), depth);
                    }
                }

                break;
            case ChildKind.Wrapped:
                var containerAttributes = map.ContainerAttributes
                    .Where(a => attributes.ContainsKey(PolicyXmlMap.Camel(a)))
                    .Select(a => (a, Scalar(attributes[PolicyXmlMap.Camel(a)])))
                    .ToList();
                if (!has && containerAttributes.Count == 0)
                {
                    break;
                }

                Indent(depth).Append('<').Append(map.Element);
                foreach (var (name, text) in containerAttributes)
                {
                    Attribute(name, text);
                }

                var items = has ? value.EnumerateArray().ToList() : [];
                if (items.Count == 0)
                {
                    builder.Append(" />\n");
                    break;
                }

                builder.Append(">\n");
                foreach (var item in items)
                {
                    TextElement(map.Item!, Scalar(item), depth + 1);
                }

                Indent(depth).Append("</").Append(map.Element).Append(">\n");
                break;
            case ChildKind.Object when has:
                ObjectElement(map.Element, value, depth, null);
                break;
            case ChildKind.ObjectList when has:
                if (map.Item is null)
                {
                    foreach (var item in value.EnumerateArray())
                    {
                        ObjectElement(map.Element, item, depth, map.Single);
                    }

                    break;
                }

                Indent(depth).Append('<').Append(map.Element).Append(">\n");
                foreach (var item in value.EnumerateArray())
                {
                    ObjectElement(map.Item, item, depth + 1, map.Single);
                }

                Indent(depth).Append("</").Append(map.Element).Append(">\n");
                break;
            case ChildKind.Flatten:
                var flattened = map.Renames.Where(r => attributes.ContainsKey(r.Value)).ToList();
                if (flattened.Count > 0)
                {
                    Indent(depth).Append('<').Append(map.Element);
                    foreach (var (xml, json) in flattened)
                    {
                        Attribute(xml, Scalar(attributes[json]));
                    }

                    builder.Append(" />\n");
                }

                break;
            case ChildKind.Branches when has:
                foreach (var branch in value.EnumerateArray())
                {
                    Indent(depth).Append("<when");
                    if (branch.TryGetProperty(ChoosePolicy.Condition, out var condition))
                    {
                        Attribute("condition", Scalar(condition));
                    }

                    Nested(branch.TryGetProperty(ChoosePolicy.Policies, out var policies) ? policies : default, "when", depth);
                }

                break;
            case ChildKind.Policies when has:
                Indent(depth).Append('<').Append(map.Element);
                Nested(value, map.Element, depth);
                break;
            case ChildKind.ChildPolicies when has:
                foreach (var child in ChoosePolicy.Read(value))
                {
                    if (child is not null)
                    {
                        Policy(child, depth);
                    }
                }

                break;
        }
    }

    /// <summary>The rest of an element already opened (its name and attributes written): its nested policies and its end.</summary>
    private void Nested(JsonElement policies, string element, int depth)
    {
        var list = policies.ValueKind == JsonValueKind.Array ? ChoosePolicy.Read(policies) : [];
        if (list.Count == 0)
        {
            builder.Append(" />\n");
            return;
        }

        builder.Append(">\n");
        foreach (var policy in list)
        {
            if (policy is not null)
            {
                Policy(policy, depth + 1);
            }
        }

        Indent(depth).Append("</").Append(element).Append(">\n");
    }

    private void ObjectElement(string element, JsonElement value, int depth, string? single)
    {
        Indent(depth).Append('<').Append(element);
        var values = new List<string>();
        foreach (var member in value.EnumerateObject())
        {
            if (member.Name == "values" && member.Value.ValueKind == JsonValueKind.Array)
            {
                values.AddRange(member.Value.EnumerateArray().Select(Scalar));
            }
            else if (single is not null && member.Name == single)
            {
                values.Insert(0, Scalar(member.Value));
            }
            else
            {
                Attribute(PolicyXmlMap.Kebab(member.Name), Scalar(member.Value));
            }
        }

        if (values.Count == 0)
        {
            builder.Append(" />\n");
            return;
        }

        builder.Append(">\n");
        foreach (var text in values)
        {
            TextElement("value", text, depth + 1);
        }

        Indent(depth).Append("</").Append(element).Append(">\n");
    }

    private void TextElement(string element, string text, int depth) =>
        Indent(depth).Append('<').Append(element).Append('>').Append(Escape(text, attribute: false)).Append("</").Append(element).Append(">\n");

    private void Attribute(string name, string value) =>
        builder.Append(' ').Append(name).Append("=\"").Append(Escape(value, attribute: true)).Append('"');

    private StringBuilder Indent(int depth) => builder.Append(' ', depth * 4);

    private string Escape(string text, bool attribute)
    {
        if (raw && PolicyExpressions.IsExpression(text))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '"' when attribute => "&quot;",
                '\n' when attribute => "&#10;",
                '\r' => "&#13;",
                '\t' when attribute => "&#9;",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        _ => value.GetRawText(),
    };
}
