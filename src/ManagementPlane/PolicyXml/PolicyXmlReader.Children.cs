using System.Xml.Linq;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;

namespace ManagementPlane.PolicyXml;

/// <summary>A policy's child elements, by <see cref="PolicyXmlMap"/>'s kinds.</summary>
internal sealed partial class PolicyXmlReader
{
    private void Children(XElement element, PolicyContext context, Dictionary<string, object> values, List<PolicyDefinition> after)
    {
        var repeated = new Dictionary<ChildMap, List<object>>();
        foreach (var node in element.Nodes())
        {
            if (node is XText text)
            {
                NoText(text, context.Path);
                continue;
            }

            if (node is not XElement child)
            {
                continue;
            }

            var childName = child.Name.LocalName;
            if (context.Shape.Hoisted.Contains(childName))
            {
                // APIM nests forward-request in retry; here retry shapes the forward that follows it.
                after.AddRange(Policy(child, context.Section, $"{context.Path}+{childName}"));
                continue;
            }

            var map = context.Shape.ChildFor(childName) ?? context.Shape.Children.FirstOrDefault(c => c.Kind == ChildKind.ChildPolicies);
            if (map is null || child.Name.NamespaceName.Length > 0)
            {
                Refuse(context.Path, child, $"<{child.Name}> inside <{context.Type}> is not supported by EdgeGateway");
                continue;
            }

            var path = $"{context.Path}.{map.Attr}";
            Position(path, child);
            switch (map.Kind)
            {
                case ChildKind.Text:
                    NoAttributes(child, path);
                    if (child.Elements().FirstOrDefault() is { } inner)
                    {
                        Refuse(path, inner, $"<{childName}> holds text only");
                    }

                    Scalar(context, values, Info(context, map.Attr), Text(child, map.Attr), child);
                    break;
                case ChildKind.Repeated:
                    NoAttributes(child, path);
                    NoElements(child, path);
                    Add(repeated, map, Checked(context, child.Value.Trim(), child, path));
                    break;
                case ChildKind.Wrapped:
                    foreach (var attribute in child.Attributes())
                    {
                        if (map.ContainerAttributes.Contains(attribute.Name.LocalName))
                        {
                            Scalar(context, values, Info(context, PolicyXmlMap.Camel(attribute.Name.LocalName)), attribute.Value, attribute);
                        }
                        else if (!attribute.IsNamespaceDeclaration)
                        {
                            Refuse(path, attribute, $"<{childName}> has no attribute '{attribute.Name}' in EdgeGateway");
                        }
                    }

                    var items = Add(repeated, map, null);
                    foreach (var item in Items(child, map.Item!, path))
                    {
                        NoAttributes(item, path);
                        NoElements(item, path);
                        items.Add(Checked(context, item.Value.Trim(), item, $"{path}[{items.Count}]"));
                    }

                    break;
                case ChildKind.Object:
                    NoContent(child, path);
                    values[map.Attr] = ObjectOf(child, path, null);
                    break;
                case ChildKind.ObjectList:
                    var objects = Add(repeated, map, null);
                    foreach (var item in map.Item is null ? [child] : Items(child, map.Item, path))
                    {
                        if (map.Item is not null)
                        {
                            NoAttributes(child, path);
                        }

                        objects.Add(ObjectOf(item, $"{path}[{objects.Count}]", map.Single));
                    }

                    break;
                case ChildKind.Flatten:
                    NoContent(child, path);
                    foreach (var attribute in child.Attributes())
                    {
                        if (map.Renames.TryGetValue(attribute.Name.LocalName, out var target))
                        {
                            Scalar(context, values, Info(context, target), attribute.Value, attribute);
                        }
                        else if (!attribute.IsNamespaceDeclaration)
                        {
                            Refuse(path, attribute, $"<{childName}> inside <{context.Type}> has no attribute '{attribute.Name}' in EdgeGateway");
                        }
                    }

                    break;
                case ChildKind.Branches:
                    var branches = Add(repeated, map, null);
                    var condition = child.Attribute("condition");
                    foreach (var attribute in child.Attributes().Where(a => a.Name.LocalName != "condition" && !a.IsNamespaceDeclaration))
                    {
                        Refuse(path, attribute, $"<when> has no attribute '{attribute.Name}'");
                    }

                    var branchPath = $"{path}[{branches.Count}]";
                    if (condition is null)
                    {
                        Refuse(branchPath, child, "<when> needs a condition");
                    }
                    else
                    {
                        CheckExpression(condition.Value, context.Section, isCondition: true, condition, $"{branchPath}.condition");
                    }

                    branches.Add(new List<KeyValuePair<string, object>>
                    {
                        new(ChoosePolicy.Condition, condition?.Value ?? ""),
                        new(ChoosePolicy.Policies, List(child, context.Section, $"{branchPath}.policies")),
                    });
                    break;
                case ChildKind.Policies:
                    NoAttributes(child, path);
                    values[map.Attr] = List(child, context.Section, path);
                    break;
                case ChildKind.ChildPolicies:
                    var children = Add(repeated, map, null);
                    var childPath = $"{path}[{children.Count}]";
                    if (childName == PolicyXmlMap.SetUrl)
                    {
                        NoAttributes(child, childPath);
                        NoElements(child, childPath);
                        var url = child.Value.Trim();
                        CheckExpression(url, context.Section, isCondition: false, child, $"{childPath}.url");
                        children.Add(new PolicyDefinition { Type = PolicyXmlMap.SetUrl, Attributes = new() { ["url"] = JsonValues.Element(url) } });
                    }
                    else
                    {
                        children.AddRange(Policy(child, context.Section, childPath));
                    }

                    break;
            }
        }

        foreach (var (map, list) in repeated)
        {
            if (map.Single is not null && map.Kind == ChildKind.Repeated && list.Count == 1)
            {
                values[map.Single] = list[0];
            }
            else if (list.Count > 0)
            {
                values[map.Attr] = list;
            }
        }
    }

    private static List<object> Add(Dictionary<ChildMap, List<object>> repeated, ChildMap map, object? item)
    {
        if (!repeated.TryGetValue(map, out var list))
        {
            repeated[map] = list = [];
        }

        if (item is not null)
        {
            list.Add(item);
        }

        return list;
    }

    private IEnumerable<XElement> Items(XElement container, string item, string path)
    {
        foreach (var node in container.Nodes())
        {
            if (node is XText text)
            {
                NoText(text, path);
            }
            else if (node is XElement element)
            {
                if (element.Name.LocalName == item && element.Name.NamespaceName.Length == 0)
                {
                    yield return element;
                }
                else
                {
                    Refuse(path, element, $"<{container.Name}> holds <{item}> elements, not <{element.Name}>");
                }
            }
        }
    }

    /// <summary>An object from an element's attributes (camel-cased) and its <c>&lt;value&gt;</c> children.</summary>
    private List<KeyValuePair<string, object>> ObjectOf(XElement element, string path, string? single)
    {
        var members = new List<KeyValuePair<string, object>>();
        foreach (var attribute in element.Attributes())
        {
            if (!attribute.IsNamespaceDeclaration)
            {
                var member = PolicyXmlMap.Camel(attribute.Name.LocalName);
                Position($"{path}.{member}", attribute);
                members.Add(new(member, attribute.Value));
            }
        }

        var valueList = new List<object>();
        foreach (var item in Items(element, "value", path))
        {
            NoAttributes(item, path);
            NoElements(item, path);
            valueList.Add(item.Value.Trim());
        }

        if (valueList.Count == 1 && single is not null)
        {
            members.Add(new(single, valueList[0]));
        }
        else if (valueList.Count > 0)
        {
            members.Add(new("values", valueList));
        }

        return members;
    }
}
