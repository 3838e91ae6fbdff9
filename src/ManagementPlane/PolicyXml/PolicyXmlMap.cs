using System.Collections.Frozen;
using System.Text;

namespace ManagementPlane.PolicyXml;

/// <summary>How one child element of an APIM policy maps onto the policy's JSON attributes.</summary>
internal enum ChildKind
{
    /// <summary><c>&lt;set-method&gt;POST&lt;/set-method&gt;</c>: the element's text is one string attribute.</summary>
    Text,

    /// <summary>Repeated <c>&lt;value&gt;a&lt;/value&gt;</c> directly under the policy: a string list (<see cref="ChildMap.Single"/>: one item alone).</summary>
    Repeated,

    /// <summary><c>&lt;audiences&gt;&lt;audience&gt;a&lt;/audience&gt;…&lt;/audiences&gt;</c>: a string list.</summary>
    Wrapped,

    /// <summary><c>&lt;openid-config url="…"/&gt;</c>: an object of the element's attributes.</summary>
    Object,

    /// <summary>Items (in a container, or repeated directly) whose attributes and <c>&lt;value&gt;</c> children make objects.</summary>
    ObjectList,

    /// <summary>An element whose attributes become the policy's own (return-response's <c>&lt;set-status code reason/&gt;</c>).</summary>
    Flatten,

    /// <summary>choose's <c>&lt;when condition&gt;</c> branches.</summary>
    Branches,

    /// <summary>choose's <c>&lt;otherwise&gt;</c>: a nested policy list.</summary>
    Policies,

    /// <summary>send-request's children (<c>set-url</c>, <c>set-method</c>, …): a list of policy-shaped objects.</summary>
    ChildPolicies,
}

/// <summary>
/// One child mapping. <see cref="Element"/> is the element directly under the policy; <see cref="Item"/> the repeated
/// element inside it (Wrapped, ObjectList with a container); <see cref="Attr"/> the JSON attribute it fills.
/// </summary>
internal sealed record ChildMap(ChildKind Kind, string Element, string Attr)
{
    public string? Item { get; init; }

    /// <summary>Repeated / ObjectList: the JSON attribute that holds a lone item (set-header's <c>value</c> beside <c>values</c>).</summary>
    public string? Single { get; init; }

    /// <summary>Attributes of a Wrapped container that belong to the policy itself (cors' <c>preflight-result-max-age</c>).</summary>
    public IReadOnlyList<string> ContainerAttributes { get; init; } = [];

    /// <summary>Flatten: XML attribute → the policy's JSON attribute.</summary>
    public IReadOnlyDictionary<string, string> Renames { get; init; } = FrozenDictionary<string, string>.Empty;
}

/// <summary>Per policy type: its XML attributes that are not simply the kebab-cased JSON name, and its child elements.</summary>
internal sealed record PolicyXmlShape(IReadOnlyDictionary<string, string> AttributeRenames, IReadOnlyList<ChildMap> Children)
{
    /// <summary>The policy's element text is this attribute (set-body, set-method, set-url).</summary>
    public string? Content { get; init; }

    /// <summary>retry: child policies (APIM's <c>&lt;retry&gt;&lt;forward-request/&gt;&lt;/retry&gt;</c>) that stand after it in our lists.</summary>
    public IReadOnlyList<string> Hoisted { get; init; } = [];

    public ChildMap? ChildFor(string element) => Children.FirstOrDefault(c => c.Element == element);

    public ChildMap? ChildForAttr(string attr) => Children.FirstOrDefault(c => c.Attr == attr || c.Single == attr
        || c.ContainerAttributes.Any(a => PolicyXmlMap.Camel(a) == attr) || c.Renames.Values.Contains(attr));
}

/// <summary>The table of per-policy mappings between APIM's policy XML and the snapshot's JSON (docs/migrating-from-apim.md).</summary>
internal static class PolicyXmlMap
{
    private static readonly PolicyXmlShape Plain = new(FrozenDictionary<string, string>.Empty, []);

    private static readonly ChildMap Values = new(ChildKind.Repeated, "value", "values") { Single = "value" };

    private static readonly ChildMap Claims = new(ChildKind.ObjectList, "required-claims", "requiredClaims") { Item = "claim" };

    private static readonly ChildMap Audiences = new(ChildKind.Wrapped, "audiences", "audiences") { Item = "audience" };

    private static readonly Dictionary<string, PolicyXmlShape> Shapes = new(StringComparer.Ordinal)
    {
        ["set-header"] = new(Renames(), [Values]),
        ["set-query-parameter"] = new(Renames(), [Values]),
        ["check-header"] = new(Renames(("failed-check-httpcode", "failedCheckHttpCode")), [new(ChildKind.Repeated, "value", "values")]),
        ["ip-filter"] = new(Renames(), [
            new(ChildKind.Repeated, "address", "addresses"),
            new(ChildKind.ObjectList, "address-range", "addressRanges")]),
        ["validate-jwt"] = new(Renames(("failed-validation-httpcode", "failedValidationHttpCode")), [
            new(ChildKind.Object, "openid-config", "openidConfig"),
            // Our keys are JWK-like objects: <key kty="RSA" n="…" e="…" kid="…" />; APIM's base64 text keys are refused.
            new(ChildKind.ObjectList, "issuer-signing-keys", "issuerSigningKeys") { Item = "key" }, Audiences,
            new(ChildKind.Wrapped, "issuers", "issuers") { Item = "issuer" }, Claims]),
        ["validate-azure-ad-token"] = new(Renames(("failed-validation-httpcode", "failedValidationHttpCode")), [
            new(ChildKind.Wrapped, "client-application-ids", "clientApplicationIds") { Item = "application-id" },
            new(ChildKind.Wrapped, "backend-application-ids", "backendApplicationIds") { Item = "application-id" },
            Audiences, Claims]),
        ["cors"] = new(Renames(), [
            new(ChildKind.Wrapped, "allowed-origins", "allowedOrigins") { Item = "origin" },
            new(ChildKind.Wrapped, "allowed-methods", "allowedMethods") { Item = "method", ContainerAttributes = ["preflight-result-max-age"] },
            new(ChildKind.Wrapped, "allowed-headers", "allowedHeaders") { Item = "header" },
            new(ChildKind.Wrapped, "expose-headers", "exposeHeaders") { Item = "header" }]),
        ["cache-lookup"] = new(Renames(), [
            new(ChildKind.Repeated, "vary-by-header", "varyByHeaders"),
            new(ChildKind.Repeated, "vary-by-query-parameter", "varyByQueryParameters")]),
        ["validate-client-certificate"] = new(Renames(), [new(ChildKind.ObjectList, "identities", "identities") { Item = "identity" }]),
        ["return-response"] = new(Renames(), [
            new(ChildKind.Flatten, "set-status", "statusCode") { Renames = Renames(("code", "statusCode"), ("reason", "reason")) },
            new(ChildKind.ObjectList, "set-header", "headers") { Single = "value" },
            new(ChildKind.Text, "set-body", "body")]),
        ["choose"] = new(Renames(), [new(ChildKind.Branches, "when", "when"), new(ChildKind.Policies, "otherwise", "otherwise")]),
        ["send-request"] = new(Renames(), [new(ChildKind.ChildPolicies, "*", "policies")]),
        ["send-one-way-request"] = new(Renames(), [new(ChildKind.ChildPolicies, "*", "policies")]),
        ["set-body"] = Plain with { Content = "value" },
        ["set-method"] = Plain with { Content = "method" },
        ["retry"] = Plain with { Hoisted = ["forward-request"] },
    };

    /// <summary>send-request's own child: only there, its text is the URL.</summary>
    public const string SetUrl = "set-url";

    public static readonly PolicyXmlShape SetUrlShape = Plain with { Content = "url" };

    public static PolicyXmlShape For(string type) => Shapes.GetValueOrDefault(type, Plain);

    /// <summary><c>renewal-period</c> → <c>renewalPeriod</c>.</summary>
    public static string Camel(string kebab)
    {
        var builder = new StringBuilder(kebab.Length);
        var upper = false;
        foreach (var c in kebab)
        {
            if (c == '-')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return builder.ToString();
    }

    /// <summary><c>renewalPeriod</c> → <c>renewal-period</c>.</summary>
    public static string Kebab(string camel)
    {
        var builder = new StringBuilder(camel.Length + 4);
        foreach (var c in camel)
        {
            if (char.IsUpper(c))
            {
                builder.Append('-').Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>The JSON name of an XML attribute of <paramref name="shape"/>.</summary>
    public static string JsonName(PolicyXmlShape shape, string xmlName) =>
        shape.AttributeRenames.TryGetValue(xmlName, out var renamed) ? renamed : Camel(xmlName);

    /// <summary>The XML name of a JSON attribute of <paramref name="shape"/>.</summary>
    public static string XmlName(PolicyXmlShape shape, string jsonName) =>
        shape.AttributeRenames.FirstOrDefault(r => r.Value == jsonName).Key ?? Kebab(jsonName);

    private static FrozenDictionary<string, string> Renames(params (string Xml, string Json)[] pairs) =>
        pairs.ToFrozenDictionary(p => p.Xml, p => p.Json, StringComparer.Ordinal);
}
