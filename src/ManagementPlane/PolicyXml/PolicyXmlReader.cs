using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Contracts.Snapshot;

namespace ManagementPlane.PolicyXml;

/// <summary>A place in a policy document that cannot be translated: its JSON path, its XML line and column, and why.</summary>
internal sealed record XmlRefusal(string Path, string Message, int Line, int Column);

/// <summary>A translated document: the policies (null when anything was refused), every refusal, and where each JSON path came from.</summary>
internal sealed record PolicyXmlResult<T>(T? Value, IReadOnlyList<XmlRefusal> Errors, IReadOnlyDictionary<string, (int Line, int Column)> Positions)
    where T : class;

/// <summary>
/// APIM policy XML → the snapshot's JSON (<see cref="PolicySet"/>). Element names are policy types of
/// <see cref="PolicyCatalog"/>, attributes are kebab-cased JSON names, child elements follow <see cref="PolicyXmlMap"/>.
/// Everything that does not map is refused with its line and column; nothing is dropped. The XML is read with DTDs
/// prohibited, no resolver and a character limit, so no entity expansion or outside fetch can happen.
/// </summary>
internal sealed class PolicyXmlReader
{
    public const string IncludeFragment = "include-fragment";
    public const string FragmentId = "fragmentId";

    private static readonly (string Element, Sections Section, string Name)[] SectionNames =
        [("inbound", Sections.Inbound, "inbound"), ("backend", Sections.Backend, "backend"), ("outbound", Sections.Outbound, "outbound"), ("on-error", Sections.OnError, "onError")];

    private readonly List<XmlRefusal> errors = [];
    private readonly Dictionary<string, (int, int)> positions = new(StringComparer.Ordinal);
    private readonly RawXml? raw;

    private PolicyXmlReader(RawXml? raw) => this.raw = raw;

    /// <summary>A <c>&lt;policies&gt;</c> document. <paramref name="raw"/>: APIM's rawxml (expressions unescaped).</summary>
    public static PolicyXmlResult<PolicySet> ReadPolicies(string xml, bool raw, long maxCharacters)
    {
        var reader = new PolicyXmlReader(raw ? RawXml.Escape(xml) : null);
        var root = reader.Load(raw ? reader.raw!.Escaped : xml, maxCharacters);
        PolicySet? set = null;
        if (root is not null)
        {
            set = reader.Policies(root);
        }

        return new(reader.errors.Count == 0 ? set : null, reader.errors, reader.positions);
    }

    /// <summary>A policy fragment: <c>&lt;fragment&gt;</c> holding policies (no sections).</summary>
    public static PolicyXmlResult<List<PolicyDefinition>> ReadFragment(string xml, bool raw, long maxCharacters)
    {
        var reader = new PolicyXmlReader(raw ? RawXml.Escape(xml) : null);
        var root = reader.Load(raw ? reader.raw!.Escaped : xml, maxCharacters);
        List<PolicyDefinition>? policies = null;
        if (root is not null)
        {
            if (root.Name.LocalName != "fragment" || root.Name.NamespaceName.Length > 0)
            {
                reader.Refuse("", root, $"the root element must be <fragment>, not <{root.Name}>");
            }
            else
            {
                reader.NoAttributes(root, "");
                // A fragment's policies may stand in any section; expressions are checked where the fragment is included.
                policies = reader.List(root, null, "policies", nested: true);
            }
        }

        return new(reader.errors.Count == 0 ? policies : null, reader.errors, reader.positions);
    }

    private XElement? Load(string xml, long maxCharacters)
    {
        if (xml.Length > maxCharacters)
        {
            // Refused before parsing, where the limit falls (the reader's own limit trips at a buffer boundary, without a position).
            Refuse(xml, (int)maxCharacters, $"the document is longer than {maxCharacters} characters");
            return null;
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            MaxCharactersFromEntities = 1024,
            IgnoreProcessingInstructions = true,
            IgnoreComments = true,
        };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo).Root;
        }
        catch (XmlException e) when (e.Message.Contains("DTD", StringComparison.Ordinal))
        {
            // Refused without a position of its own: the declaration is the place.
            Refuse(xml, Math.Max(0, xml.IndexOf("<!DOCTYPE", StringComparison.Ordinal)), "DTDs (and so entity declarations) are not accepted in a policy document");
            return null;
        }
        catch (XmlException e)
        {
            errors.Add(new XmlRefusal("", "not well-formed XML: " + e.Message, e.LineNumber, raw?.Original(e.LineNumber, e.LinePosition) ?? e.LinePosition));
            return null;
        }
    }

    /// <summary>A refusal at a character index of the text parsed.</summary>
    private void Refuse(string xml, int index, string message)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index && i < xml.Length; i++)
        {
            if (xml[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        var column = index - lineStart + 1;
        errors.Add(new XmlRefusal("", message, line, raw?.Original(line, column) ?? column));
    }

    private PolicySet? Policies(XElement root)
    {
        if (root.Name.LocalName != "policies" || root.Name.NamespaceName.Length > 0)
        {
            Refuse("", root, $"the root element must be <policies>, not <{root.Name}>");
            return null;
        }

        NoAttributes(root, "");
        var lists = new Dictionary<Sections, List<PolicyDefinition>>();
        foreach (var node in root.Nodes())
        {
            if (node is XText text)
            {
                NoText(text, "");
                continue;
            }

            if (node is not XElement element)
            {
                continue;
            }

            var match = SectionNames.FirstOrDefault(s => s.Element == element.Name.LocalName);
            if (match.Element is null || element.Name.NamespaceName.Length > 0)
            {
                Refuse("", element, $"<{element.Name}> is not a policy section (inbound, backend, outbound, on-error)");
                continue;
            }

            if (lists.ContainsKey(match.Section))
            {
                Refuse(match.Name, element, $"<{match.Element}> appears twice");
                continue;
            }

            NoAttributes(element, match.Name);
            Position(match.Name, element);
            lists[match.Section] = List(element, match.Section, match.Name, nested: false);
        }

        return new PolicySet
        {
            Inbound = lists.GetValueOrDefault(Sections.Inbound),
            Backend = lists.GetValueOrDefault(Sections.Backend),
            Outbound = lists.GetValueOrDefault(Sections.Outbound),
            OnError = lists.GetValueOrDefault(Sections.OnError),
        };
    }

    /// <summary>The policies under <paramref name="parent"/>; <paramref name="section"/> null: a fragment's (not yet placed).</summary>
    private List<PolicyDefinition> List(XElement parent, Sections? section, string path, bool nested)
    {
        var list = new List<PolicyDefinition>();
        foreach (var node in parent.Nodes())
        {
            if (node is XText text)
            {
                NoText(text, path);
            }
            else if (node is XElement element)
            {
                list.AddRange(Policy(element, section, $"{path}[{list.Count}]", nested));
            }
        }

        return list;
    }

    private List<PolicyDefinition> Policy(XElement element, Sections? section, string path, bool nested)
    {
        var name = element.Name.LocalName;
        Position(path, element);
        if (element.Name.NamespaceName.Length > 0)
        {
            Refuse(path, element, $"<{element.Name}>: namespaced elements are not policies");
            return [];
        }

        if (name == PolicyCatalog.Base || name == IncludeFragment)
        {
            return [Special(element, name, path, nested)];
        }

        if (PolicyCatalog.AttributesOf(name) is not { } attributes)
        {
            Refuse(path, element, $"<{name}> is not a policy EdgeGateway has (see docs/policies.md for the policies it enforces)");
            return [];
        }

        var shape = PolicyXmlMap.For(name);
        var context = new PolicyContext(name, shape, attributes, section, path);
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var attribute in element.Attributes())
        {
            if (attribute.IsNamespaceDeclaration)
            {
                continue;
            }

            var jsonName = PolicyXmlMap.JsonName(shape, attribute.Name.LocalName);
            var info = attributes.FirstOrDefault(a => a.Name == jsonName);
            if (info is null || shape.ChildForAttr(jsonName) is not null || attribute.Name.NamespaceName.Length > 0)
            {
                Refuse($"{path}.{jsonName}", attribute, $"<{name}> has no attribute '{attribute.Name}' in EdgeGateway");
                continue;
            }

            Scalar(context, values, info, attribute.Value, attribute);
        }

        var after = new List<PolicyDefinition>();
        if (shape.Content is { } content)
        {
            if (element.Elements().FirstOrDefault() is { } child)
            {
                Refuse($"{path}.{content}", child, $"<{name}> holds text only; <{child.Name}> inside it is not supported");
            }
            else if (!element.IsEmpty)
            {
                var info = attributes.First(a => a.Name == content);
                Scalar(context, values, info, Text(element, content), element);
            }
        }
        else
        {
            Children(element, context, values, after);
        }

        var policy = new PolicyDefinition { Type = name, Attributes = values.ToDictionary(v => v.Key, v => JsonValues.Element(v.Value), StringComparer.Ordinal) };
        return [policy, .. after];
    }

    private PolicyDefinition Special(XElement element, string name, string path, bool nested)
    {
        if (name == PolicyCatalog.Base)
        {
            NoAttributes(element, path);
            NoContent(element, path);
            return new PolicyDefinition { Type = PolicyCatalog.Base };
        }

        NoContent(element, path);
        string? id = null;
        foreach (var attribute in element.Attributes())
        {
            if (attribute.Name.LocalName == "fragment-id" && attribute.Name.NamespaceName.Length == 0)
            {
                id = attribute.Value;
            }
            else if (!attribute.IsNamespaceDeclaration)
            {
                Refuse($"{path}.{PolicyXmlMap.Camel(attribute.Name.LocalName)}", attribute, $"<include-fragment> has no attribute '{attribute.Name}'");
            }
        }

        if (string.IsNullOrEmpty(id))
        {
            Refuse(path, element, "<include-fragment> needs fragment-id");
        }

        _ = nested;
        return new PolicyDefinition { Type = IncludeFragment, Attributes = new() { [FragmentId] = JsonValues.Element(id ?? "") } };
    }

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
                after.AddRange(Policy(child, context.Section, $"{context.Path}+{childName}", nested: true));
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
                    Add(repeated, map, Checked(context, map.Attr, child.Value.Trim(), child, path));
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
                        items.Add(Checked(context, map.Attr, item.Value.Trim(), item, $"{path}[{items.Count}]"));
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
                        new(ChoosePolicy.Policies, List(child, context.Section, $"{branchPath}.policies", nested: true)),
                    });
                    break;
                case ChildKind.Policies:
                    NoAttributes(child, path);
                    values[map.Attr] = List(child, context.Section, path, nested: true);
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
                        children.AddRange(Policy(child, context.Section, childPath, nested: true));
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

    private static PolicyAttributeInfo? Info(PolicyContext context, string name) => context.Attributes.FirstOrDefault(a => a.Name == name);

    /// <summary>One attribute's value, typed as the catalog says.</summary>
    private void Scalar(PolicyContext context, Dictionary<string, object> values, PolicyAttributeInfo? info, string text, XObject at)
    {
        if (info is null)
        {
            Refuse(context.Path, at, $"<{context.Type}>: this value has no place in EdgeGateway's {context.Type}");
            return;
        }

        var path = $"{context.Path}.{info.Name}";
        Position(path, at);
        switch (info.Kind)
        {
            case AttrKind.Integer:
                if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
                {
                    values[info.Name] = number;
                }
                else
                {
                    Refuse(path, at, $"'{PolicyXmlMap.Kebab(info.Name)}' of <{context.Type}> must be a whole number here (expressions and named values are not supported in it)");
                }

                break;
            case AttrKind.Boolean:
                if (bool.TryParse(text.Trim(), out var flag))
                {
                    values[info.Name] = flag;
                }
                else
                {
                    Refuse(path, at, $"'{PolicyXmlMap.Kebab(info.Name)}' of <{context.Type}> must be true or false here (expressions and named values are not supported in it)");
                }

                break;
            case AttrKind.String:
                CheckExpression(text, info.EvaluatedIn ?? context.Section, info.IsCondition, at, path);
                values[info.Name] = text;
                break;
            default:
                Refuse(path, at, $"'{PolicyXmlMap.Kebab(info.Name)}' of <{context.Type}> is written as child elements, not as an attribute");
                break;
        }
    }

    private string Checked(PolicyContext context, string attr, string text, XObject at, string path)
    {
        CheckExpression(text, context.Section, isCondition: false, at, path);
        _ = attr;
        return text;
    }

    /// <summary>Through the gateway's own expression compiler; texts with named values are left to the state's validation (which knows them).</summary>
    private void CheckExpression(string text, Sections? section, bool isCondition, XObject at, string path)
    {
        if (section is not { } where || !PolicyExpressions.IsExpression(text) || text.Contains("{{", StringComparison.Ordinal))
        {
            return;
        }

        var problems = isCondition
            ? PolicyExpressions.CompileCondition(text, NamedValueSet.Empty, where).Errors
            : PolicyExpressions.CompileValue(text, NamedValueSet.Empty, where).Errors;
        foreach (var problem in problems)
        {
            Refuse(path, at, problem);
        }
    }

    private static string Text(XElement element, string attr)
    {
        var text = string.Concat(element.Nodes().OfType<XText>().Select(t => t.Value));
        // Bodies are taken exactly; names, methods and URLs without the indentation around them.
        return attr is "value" or "body" ? text : text.Trim();
    }

    private void NoAttributes(XElement element, string path)
    {
        foreach (var attribute in element.Attributes().Where(a => !a.IsNamespaceDeclaration))
        {
            Refuse(path, attribute, $"<{element.Name}> takes no attribute '{attribute.Name}'");
        }
    }

    private void NoElements(XElement element, string path)
    {
        if (element.Elements().FirstOrDefault() is { } child)
        {
            Refuse(path, child, $"<{element.Name}> holds text only, not <{child.Name}>");
        }
    }

    private void NoContent(XElement element, string path)
    {
        foreach (var node in element.Nodes())
        {
            if (node is XText text)
            {
                NoText(text, path);
            }
            else if (node is XElement child)
            {
                Refuse(path, child, $"<{element.Name}> holds nothing; <{child.Name}> inside it is not supported");
            }
        }
    }

    private void NoText(XText text, string path)
    {
        if (!string.IsNullOrWhiteSpace(text.Value))
        {
            Refuse(path, text, $"text '{Short(text.Value.Trim())}' stands where only elements may");
        }
    }

    private void Position(string path, XObject at)
    {
        var (line, column) = Where(at);
        positions.TryAdd(path, (line, column));
    }

    private void Refuse(string path, XObject at, string message)
    {
        var (line, column) = Where(at);
        errors.Add(new XmlRefusal(path, message, line, column));
    }

    private (int Line, int Column) Where(XObject at)
    {
        var info = (IXmlLineInfo)at;
        var line = info.HasLineInfo() ? info.LineNumber : 0;
        var column = info.HasLineInfo() ? info.LinePosition : 0;
        if (at is XText && !info.HasLineInfo() && at.Parent is IXmlLineInfo parent && parent.HasLineInfo())
        {
            (line, column) = (parent.LineNumber, parent.LinePosition);
        }

        return (line, raw?.Original(line, column) ?? column);
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..37] + "...";

    private sealed record PolicyContext(string Type, PolicyXmlShape Shape, IReadOnlyList<PolicyAttributeInfo> Attributes, Sections? Section, string Path);
}
