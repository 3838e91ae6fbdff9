using System.Collections.Frozen;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Policies;
using EdgeGateway.Proxy;

namespace EdgeGateway.Routing;

/// <summary>One API as the request path sees it: prefix, operations, key rules and backend.</summary>
internal sealed class ApiRoute
{
    public const string DefaultKeyHeader = "Ocp-Apim-Subscription-Key";
    public const string DefaultKeyQuery = "subscription-key";

    /// <summary>A route whose policies are not compiled (every pipeline empty): for callers that only route.</summary>
    public ApiRoute(ApiDefinition api, IEnumerable<string> productIds)
        : this(api, [.. productIds.Select(id => new ProductDefinition { Id = id })], null)
    {
    }

    public ApiRoute(ApiDefinition api, IReadOnlyList<ProductDefinition> products, PipelineCompiler? policies, DestinationCarryOver? destinations = null,
        TimeProvider? time = null)
    {
        Id = api.Id!;
        Name = api.Name;
        Prefix = ApiPath.Normalize(api.Path!);
        PrefixSegments = Prefix.AsSpan().Count('/');
        SubscriptionRequired = api.SubscriptionRequired ?? true;
        KeyHeader = api.SubscriptionKeyParameterNames?.Header ?? DefaultKeyHeader;
        KeyQuery = api.SubscriptionKeyParameterNames?.Query ?? DefaultKeyQuery;
        Products = products.Select(p => p.Id!).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        Cluster = new BackendCluster(Id, api.Backend!, destinations, time);
        Operations = [.. (api.Operations ?? [])
            .Select(o => new OperationRoute(o.Id!, o.Method!, Parse(o.UrlTemplate!), policies?.Compile(products, api.Policies, o.Policies) ?? PipelineSet.Empty))
            .OrderByDescending(o => o.Template.Specificity)];
        Policies = Operations.Length == 0 ? policies?.Compile(products, api.Policies, null) ?? PipelineSet.Empty : PipelineSet.Empty;
        Transformer = new GatewayTransformer(KeyHeader, KeyQuery, Prefix);
    }

    /// <summary>How a request to this API is rewritten for its backend: built once here, shared by its requests.</summary>
    public GatewayTransformer Transformer { get; }

    public string Id { get; }

    public string? Name { get; }

    /// <summary>The pipelines of calls to an API without operations (with operations, each operation has its own).</summary>
    public PipelineSet Policies { get; }

    public string Prefix { get; }

    /// <summary>How many path segments the prefix has: what the raw remainder skips.</summary>
    public int PrefixSegments { get; }

    public bool SubscriptionRequired { get; }

    public string KeyHeader { get; }

    public string KeyQuery { get; }

    public FrozenSet<string> Products { get; }

    public BackendCluster Cluster { get; }

    public OperationRoute[] Operations { get; }

    /// <summary>No operations: everything under the prefix passes. Otherwise method and template must match.</summary>
    public OperationMatch MatchOperation(string method, ReadOnlySpan<char> remainder)
    {
        if (Operations.Length == 0)
        {
            return OperationMatch.Any;
        }

        var segments = remainder.Trim('/').ToString().Split('/', StringSplitOptions.RemoveEmptyEntries);
        var pathMatched = false;
        foreach (var op in Operations)
        {
            if (!op.Template.Matches(segments))
            {
                continue;
            }

            pathMatched = true;
            if (op.Method == OperationMethods.Any || string.Equals(op.Method, method, StringComparison.OrdinalIgnoreCase)
                || (op.Method == "GET" && HttpMethods.IsHead(method)))
            {
                return new OperationMatch(op, true);
            }
        }

        return new OperationMatch(null, false) { PathMatched = pathMatched };
    }

    private static UrlTemplate Parse(string text) =>
        UrlTemplate.TryParse(text, out var template, out _) ? template! : throw new InvalidOperationException("validated template failed to parse");
}

internal sealed record OperationRoute(string Id, string Method, UrlTemplate Template, PipelineSet Policies)
{
    /// <summary>The parameters the template binds from the query (<c>?a={b}</c>), for rewrite-uri: parsed once, at load.</summary>
    public IReadOnlyList<(string Parameter, string QueryName)> QueryBindings { get; } = RewriteTemplate.QueryBindings(Template.Text);
}

internal readonly record struct OperationMatch(OperationRoute? Operation, bool Matched)
{
    public static readonly OperationMatch Any = new(null, true);

    public bool PathMatched { get; init; }
}
