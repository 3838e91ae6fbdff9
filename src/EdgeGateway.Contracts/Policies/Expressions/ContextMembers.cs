namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>
/// The parts of APIM's <c>context</c> the subset reads: each property path with what it compiles to and the sections
/// it may be read in. <see cref="Binder"/> looks paths up here once, when a snapshot is loaded.
/// </summary>
internal static class ContextMembers
{
    public const string Docs = "see docs/policies.md#expressions";

    private const Sections ResponseSections = Sections.Outbound | Sections.OnError;

    /// <summary>Properties, by their full path.</summary>
    public static readonly IReadOnlyDictionary<string, (Sections Sections, Func<Bound> Compile)> Properties =
        new Dictionary<string, (Sections, Func<Bound>)>(StringComparer.Ordinal)
        {
            ["context.Subscription.Id"] = (Sections.All, () => Bound.Of(c => c.SubscriptionId)),
            ["context.Subscription.Key"] = (Sections.All, () => Bound.Of(c => c.SubscriptionKey)),
            ["context.Request.IpAddress"] = (Sections.All, () => Bound.Of(c => c.ClientIp)),
            ["context.Request.Method"] = (Sections.All, () => Bound.Of(c => c.Method)),
            ["context.Request.Url.Path"] = (Sections.All, () => Bound.Of(c => c.Path)),
            ["context.Api.Id"] = (Sections.All, () => Bound.Of(c => c.ApiId)),
            ["context.Api.Name"] = (Sections.All, () => Bound.Of(c => c.ApiName)),
            ["context.Operation.Id"] = (Sections.All, () => Bound.Of(c => c.OperationId)),
            ["context.Product.Id"] = (Sections.All, () => Bound.Of(c => c.ProductId)),
            ["context.Product.Name"] = (Sections.All, () => Bound.Of(c => c.ProductName)),
            ["context.Deployment.Region"] = (Sections.All, () => Bound.Of(c => c.Region)),
            ["context.Response.StatusCode"] = (ResponseSections, () => Bound.Of(c => c.ResponseStatusCode)),
            ["context.LastError.Source"] = (Sections.OnError, () => Bound.Of(c => c.LastErrorSource)),
            ["context.LastError.Reason"] = (Sections.OnError, () => Bound.Of(c => c.LastErrorReason)),
            ["context.LastError.Message"] = (Sections.OnError, () => Bound.Of(c => c.LastErrorMessage)),
        };

    /// <summary><c>X.GetValueOrDefault(name[, default])</c> lookups, by the path of X.</summary>
    public static readonly IReadOnlyDictionary<string, (Sections Sections, Func<IPolicyContext, string, string?> Read)> Lookups =
        new Dictionary<string, (Sections, Func<IPolicyContext, string, string?>)>(StringComparer.Ordinal)
        {
            ["context.Request.Headers"] = (Sections.All, static (c, n) => c.Header(n)),
            ["context.Request.Url.Query"] = (Sections.All, static (c, n) => c.Query(n)),
            ["context.Response.Headers"] = (ResponseSections, static (c, n) => c.ResponseHeader(n)),
            ["context.Variables"] = (Sections.All, static (c, n) => c.Variable(n)),
        };

    /// <summary>Paths that hold members but are no value themselves (for messages that name the first unknown part).</summary>
    public static readonly IReadOnlySet<string> Objects = new HashSet<string>(StringComparer.Ordinal)
    {
        "context", "context.Subscription", "context.Request", "context.Request.Url", "context.Request.Headers",
        "context.Request.Url.Query", "context.Api", "context.Operation", "context.Product", "context.Deployment",
        "context.Response", "context.Response.Headers", "context.LastError", "context.Variables",
    };

    public static string Where(Sections sections) => sections switch
    {
        ResponseSections => "outbound and onError",
        Sections.OnError => "onError",
        _ => sections.ToString(),
    };

    public static string Name(Sections section) => section switch
    {
        Sections.Inbound => "inbound",
        Sections.Backend => "backend",
        Sections.Outbound => "outbound",
        Sections.OnError => "onError",
        _ => section.ToString(),
    };
}
