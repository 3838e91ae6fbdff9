using System.Collections.Frozen;

namespace EdgeGateway.Contracts.Policies;

/// <summary>
/// Every policy type a snapshot may name, with the shape of its attributes. Every type here is enforced by the gateway
/// (a type joins the table only with its step in PipelineCompiler). Both planes validate against this one table, so the
/// management plane refuses exactly what a gateway would refuse: a policy is never silently skipped.
/// </summary>
public static class PolicyCatalog
{
    /// <summary>Marks where the outer scope's policies run (APIM semantics).</summary>
    public const string Base = "base";

    private static readonly FrozenDictionary<string, PolicyShape> Shapes = Build(
        new(Base, Sections.All, []),
        new("set-header", Sections.All, [
            Attr.Str("name", required: true), Attr.Str("value"), Attr.StrList("values"),
            Attr.Enum("existsAction", "override", "skip", "append", "delete")]),
        new("set-query-parameter", Sections.Inbound | Sections.Backend, [
            Attr.Str("name", required: true), Attr.Str("value"), Attr.StrList("values"),
            Attr.Enum("existsAction", "override", "skip", "append", "delete")]),
        new("rate-limit", Sections.Inbound, [
            Attr.Int("calls", required: true), Attr.Int("renewalPeriod", required: true),
            Attr.Str("retryAfterHeaderName"), Attr.Str("remainingCallsHeaderName"), Attr.Str("totalCallsHeaderName")]),
        new("rate-limit-by-key", Sections.Inbound, [
            Attr.Int("calls", required: true), Attr.Int("renewalPeriod", required: true),
            Attr.Str("counterKey", required: true), Attr.Cond("incrementCondition", Sections.Outbound), Attr.Int("incrementCount"),
            Attr.Str("retryAfterHeaderName"), Attr.Str("remainingCallsHeaderName"), Attr.Str("totalCallsHeaderName")]),
        new("quota", Sections.Inbound, [
            Attr.Int("calls"), Attr.Int("bandwidth"), Attr.Int("renewalPeriod", required: true)]),
        new("quota-by-key", Sections.Inbound, [
            Attr.Int("calls"), Attr.Int("bandwidth"), Attr.Int("renewalPeriod", required: true),
            Attr.Str("counterKey", required: true), Attr.Cond("incrementCondition", Sections.Outbound), Attr.Str("firstPeriodStart")]),
        new("limit-concurrency", Sections.Inbound, [Attr.Str("key", required: true), Attr.Int("maxCount", required: true)]),
        new("ip-filter", Sections.Inbound, [
            Attr.Enum("action", required: true, "allow", "forbid"), Attr.StrList("addresses"), Attr.ObjList("addressRanges")]),
        new("check-header", Sections.Inbound, [
            Attr.Str("name", required: true), Attr.Int("failedCheckHttpCode", required: true),
            Attr.Str("failedCheckErrorMessage", required: true), Attr.Bool("ignoreCase"), Attr.StrList("values")]),
        new("validate-jwt", Sections.Inbound, [
            Attr.Str("headerName"), Attr.Str("queryParameterName"), Attr.Str("tokenValue"), Attr.Literal("outputTokenVariableName"),
            Attr.Int("failedValidationHttpCode"), Attr.Str("failedValidationErrorMessage"),
            Attr.Bool("requireExpirationTime"), Attr.Bool("requireSignedTokens"), Attr.Str("requireScheme"),
            Attr.Int("clockSkew"), Attr.Obj("openidConfig"), Attr.ObjList("issuerSigningKeys"),
            Attr.StrList("audiences"), Attr.StrList("issuers"), Attr.ObjList("requiredClaims")]),
        new("cors", Sections.Inbound, [
            Attr.Bool("allowCredentials"), Attr.StrList("allowedOrigins", required: true), Attr.StrList("allowedMethods"),
            Attr.StrList("allowedHeaders"), Attr.StrList("exposeHeaders"), Attr.Int("preflightResultMaxAge"),
            Attr.Bool("terminateUnmatchedRequest")]),
        new("rewrite-uri", Sections.Inbound, [Attr.Str("template", required: true), Attr.Bool("copyUnmatchedParams")]),
        new("set-backend-service", Sections.Inbound | Sections.Backend, [Attr.Str("baseUrl", required: true)]),
        new("set-method", Sections.Inbound | Sections.OnError, [Attr.Str("method", required: true)]),
        new("set-status", Sections.All, [Attr.Int("code", required: true), Attr.Str("reason")]),
        new("return-response", Sections.All, [
            Attr.Int("statusCode"), Attr.Str("reason"), Attr.ObjList("headers"), Attr.Str("body")]),
        new("mock-response", Sections.Inbound | Sections.Outbound | Sections.OnError, [
            Attr.Int("statusCode"), Attr.Literal("contentType")]),
        new("cache-lookup", Sections.Inbound, [
            Attr.Bool("varyByDeveloper", required: true), Attr.Bool("varyByDeveloperGroups", required: true),
            Attr.StrList("varyByHeaders"), Attr.StrList("varyByQueryParameters"),
            Attr.Enum("downstreamCachingType", "none", "private", "public"), Attr.Bool("mustRevalidate"),
            Attr.Bool("allowPrivateResponseCaching")]),
        new("cache-store", Sections.Outbound, [Attr.Int("duration", required: true), Attr.Bool("cacheResponse"), Attr.Int("maxSize")]),
        new("set-variable", Sections.All, [Attr.Literal("name", required: true), Attr.Str("value", required: true)]),
        new("find-and-replace", Sections.All, [Attr.Str("from", required: true), Attr.Str("to", required: true)]),
        new("forward-request", Sections.Backend, [Attr.Int("timeout"), Attr.Bool("bufferRequestBody")]),
        new(ChoosePolicy.Type, Sections.All, [Attr.Branches("when", required: true), Attr.Policies("otherwise")]),
        new("set-body", Sections.All, [Attr.Str("value", required: true)]),
        new("retry", Sections.Backend, [
            Attr.Cond("condition", Sections.Outbound) with { Required = true }, Attr.Int("count", required: true), Attr.Int("interval"),
            Attr.Int("maxInterval"), Attr.Int("delta"), Attr.Bool("firstFastRetry"), Attr.Bool("retryNonIdempotent")]),
        new("authentication-managed-identity", Sections.Inbound, [
            Attr.Literal("resource", required: true), Attr.Literal("clientId"), Attr.Literal("outputTokenVariableName"), Attr.Bool("ignoreError")]),
        new("validate-azure-ad-token", Sections.Inbound, [
            Attr.Str("tenantId", required: true), Attr.Str("headerName"), Attr.Str("queryParameterName"), Attr.Str("tokenValue"),
            Attr.Int("failedValidationHttpCode"), Attr.Str("failedValidationErrorMessage"), Attr.Literal("outputTokenVariableName"),
            Attr.StrList("clientApplicationIds"), Attr.StrList("backendApplicationIds"), Attr.StrList("audiences"), Attr.ObjList("requiredClaims")]),
        new("authentication-certificate", Sections.Inbound, [
            Attr.Str("certificateId"), Attr.Str("thumbprint"), Attr.Str("path"), Attr.Str("keyPath"), Attr.Str("password")]),
        new("validate-client-certificate", Sections.Inbound, [
            Attr.Bool("validateRevocation"), Attr.Bool("validateTrust"), Attr.Bool("validateNotBefore"), Attr.Bool("validateNotAfter"),
            Attr.Bool("ignoreError"), Attr.ObjList("identities")]),
        new(SendRequestPolicy.Type, Sections.All, [
            Attr.Enum("mode", "new", "copy"), Attr.Literal("responseVariableName", required: true), Attr.Int("timeout"), Attr.Bool("ignoreError"),
            Attr.ObjList(SendRequestPolicy.Children)]),
        new(SendRequestPolicy.OneWayType, Sections.All, [
            Attr.Enum("mode", "new", "copy"), Attr.Int("timeout"), Attr.ObjList(SendRequestPolicy.Children)]),
        new("cache-lookup-value", Sections.All, [
            Attr.Str("key", required: true), Attr.Literal("variableName", required: true), Attr.Str("defaultValue"),
            Attr.Enum("cachingType", "prefer-external", "external", "internal")]),
        new("cache-store-value", Sections.All, [
            Attr.Str("key", required: true), Attr.Str("value", required: true), Attr.Int("duration", required: true),
            Attr.Enum("cachingType", "prefer-external", "external", "internal")]),
        new("cache-remove-value", Sections.All, [Attr.Str("key", required: true), Attr.Enum("cachingType", "prefer-external", "external", "internal")]),
        new(AuthenticationBasic.Type, Sections.Inbound, [Attr.Str("username", required: true), Attr.Str("password", required: true)]));

    public static IEnumerable<string> KnownTypes => Shapes.Keys.Order(StringComparer.Ordinal);

    internal static bool TryGet(string type, out PolicyShape shape) => Shapes.TryGetValue(type, out shape!);

    /// <summary>
    /// The attributes a type takes and their kinds, for tools that translate other notations (the management plane's
    /// APIM XML); null for a type not in the catalog.
    /// </summary>
    public static IReadOnlyList<PolicyAttributeInfo>? AttributesOf(string type) =>
        Shapes.TryGetValue(type, out var shape)
            ? [.. shape.Attributes.Select(a => new PolicyAttributeInfo(a.Name, a.Kind, a.IsCondition, a.EvaluatedIn))]
            : null;

    private static FrozenDictionary<string, PolicyShape> Build(params PolicyShape[] shapes) =>
        shapes.ToFrozenDictionary(s => s.Type, StringComparer.Ordinal);
}

/// <summary>The four APIM policy sections, as flags where a policy type lists those it is allowed in.</summary>
[Flags]
public enum Sections
{
    Inbound = 1,
    Backend = 2,
    Outbound = 4,
    OnError = 8,
    All = Inbound | Backend | Outbound | OnError,
}

internal sealed record PolicyShape(string Type, Sections AllowedIn, IReadOnlyList<Attr> Attributes);

/// <summary>One attribute of a policy type as <see cref="PolicyCatalog.AttributesOf"/> describes it.</summary>
public sealed record PolicyAttributeInfo(string Name, AttrKind Kind, bool IsCondition, Sections? EvaluatedIn);

/// <summary>The JSON shape of a policy attribute.</summary>
public enum AttrKind
{
    String,
    Integer,
    Boolean,
    StringList,
    Object,
    ObjectList,

    /// <summary>Policies nested in a policy (choose's <c>otherwise</c>), validated by the rules of the section it stands in.</summary>
    PolicyList,

    /// <summary>choose's <c>when</c>: <c>{ "condition", "policies" }</c> objects, each a condition and a nested policy list.</summary>
    BranchList,
}

internal sealed record Attr(string Name, AttrKind Kind, bool Required, IReadOnlyList<string>? AllowedValues = null)
{
    /// <summary>A string that is a condition: a bool expression, or true or false.</summary>
    public bool IsCondition { get; init; }

    /// <summary>
    /// The section whose context an expression in this attribute sees, when not the policy's own: APIM evaluates
    /// <c>increment-condition</c> once the response is known, so it may read <c>context.Response</c>.
    /// </summary>
    public Sections? EvaluatedIn { get; init; }

    public static Attr Str(string name, bool required = false) => new(name, AttrKind.String, required);

    /// <summary>A string that may not be an expression (APIM: "policy expressions aren't allowed"), like a variable's name.</summary>
    public bool IsLiteral { get; init; }

    public static Attr Literal(string name, bool required = false) => new(name, AttrKind.String, required) { IsLiteral = true };

    public static Attr Cond(string name, Sections? evaluatedIn = null) =>
        new(name, AttrKind.String, false) { IsCondition = true, EvaluatedIn = evaluatedIn };

    public static Attr Int(string name, bool required = false) => new(name, AttrKind.Integer, required);

    public static Attr Bool(string name, bool required = false) => new(name, AttrKind.Boolean, required);

    public static Attr StrList(string name, bool required = false) => new(name, AttrKind.StringList, required);

    public static Attr Obj(string name, bool required = false) => new(name, AttrKind.Object, required);

    public static Attr ObjList(string name, bool required = false) => new(name, AttrKind.ObjectList, required);

    public static Attr Policies(string name, bool required = false) => new(name, AttrKind.PolicyList, required);

    public static Attr Branches(string name, bool required = false) => new(name, AttrKind.BranchList, required);

    public static Attr Enum(string name, params string[] values) => new(name, AttrKind.String, false, values);

    public static Attr Enum(string name, bool required, params string[] values) => new(name, AttrKind.String, required, values);
}
