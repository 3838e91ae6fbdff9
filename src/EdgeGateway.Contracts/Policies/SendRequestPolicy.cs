using System.Collections.Frozen;

namespace EdgeGateway.Contracts.Policies;

/// <summary>
/// APIM's <c>send-request</c> and <c>send-one-way-request</c> as JSON: the attributes camel-cased, and the child elements
/// that shape the side request as a <c>policies</c> list of policy-shaped objects (<c>{ "type": "set-url", "url": ... }</c>).
/// The children are not pipeline policies: they act on the side request, so they have their own shapes here (set-url
/// exists only inside send-request), validated by <see cref="Validation.SendRequestRules"/> and compiled by the gateway.
/// </summary>
public static class SendRequestPolicy
{
    public const string Type = "send-request";

    public const string OneWayType = "send-one-way-request";

    /// <summary>The attribute that holds the children.</summary>
    public const string Children = "policies";

    public const string SetUrl = "set-url";

    /// <summary>APIM's default timeout, in seconds.</summary>
    public const int DefaultTimeoutSeconds = 60;

    /// <summary>The longest timeout accepted, in seconds (APIM documents none; a side call longer than this holds a request too long).</summary>
    public const int MaxTimeoutSeconds = 600;

    private static readonly FrozenDictionary<string, PolicyShape> Shapes = new PolicyShape[]
    {
        new(SetUrl, Sections.All, [Attr.Str("url", required: true)]),
        new("set-method", Sections.All, [Attr.Str("method", required: true)]),
        new("set-header", Sections.All, [
            Attr.Str("name", required: true), Attr.Str("value"), Attr.StrList("values"),
            Attr.Enum("existsAction", "override", "skip", "append", "delete")]),
        new("set-body", Sections.All, [Attr.Str("value", required: true)]),
        new(AuthenticationBasic.Type, Sections.All, [Attr.Str("username", required: true), Attr.Str("password", required: true)]),
        new("authentication-managed-identity", Sections.All, [
            Attr.Literal("resource", required: true), Attr.Literal("clientId"), Attr.Literal("outputTokenVariableName"), Attr.Bool("ignoreError")]),
        new(Certificates.CertificateReferences.PolicyType, Sections.All, [
            Attr.Str("certificateId"), Attr.Str("thumbprint"), Attr.Str("path"), Attr.Str("keyPath"), Attr.Str("password")]),
    }.ToFrozenDictionary(s => s.Type, StringComparer.Ordinal);

    /// <summary>The child types, for messages and docs.</summary>
    public static IEnumerable<string> ChildTypes => Shapes.Keys.Order(StringComparer.Ordinal);

    internal static bool TryGetChild(string type, out PolicyShape shape) => Shapes.TryGetValue(type, out shape!);
}

/// <summary>APIM's <c>authentication-basic</c>: its type name and the header value it sends.</summary>
public static class AuthenticationBasic
{
    public const string Type = "authentication-basic";

    /// <summary><c>Basic base64(username:password)</c>, UTF-8 (RFC 7617's charset="UTF-8"), as APIM sends it.</summary>
    public static string HeaderValue(string username, string password) =>
        "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(string.Concat(username, ":", password)));
}
