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
internal sealed partial class PolicyXmlReader
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
                policies = reader.List(root, null, "policies");
            }
        }

        return new(reader.errors.Count == 0 ? policies : null, reader.errors, reader.positions);
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
            lists[match.Section] = List(element, match.Section, match.Name);
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
    private List<PolicyDefinition> List(XElement parent, Sections? section, string path)
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
                list.AddRange(Policy(element, section, $"{path}[{list.Count}]"));
            }
        }

        return list;
    }

    private List<PolicyDefinition> Policy(XElement element, Sections? section, string path)
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
            return [Special(element, name, path)];
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

    private PolicyDefinition Special(XElement element, string name, string path)
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

        return new PolicyDefinition { Type = IncludeFragment, Attributes = new() { [FragmentId] = JsonValues.Element(id ?? "") } };
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

    private string Checked(PolicyContext context, string text, XObject at, string path)
    {
        CheckExpression(text, context.Section, isCondition: false, at, path);
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
