namespace EdgeGateway.Contracts.Snapshot;

public sealed record ApiDefinition
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary>Path prefix under which the API is served ("/echo" or "echo"; "" or "/" for the root).</summary>
    public string? Path { get; init; }

    /// <summary>APIM default: a subscription key is required.</summary>
    public bool? SubscriptionRequired { get; init; }

    public SubscriptionKeyParameterNames? SubscriptionKeyParameterNames { get; init; }

    public BackendDefinition? Backend { get; init; }

    /// <summary>Absent or empty: every method and path under the prefix is forwarded.</summary>
    public IReadOnlyList<OperationDefinition>? Operations { get; init; }

    public PolicySet? Policies { get; init; }
}

public sealed record SubscriptionKeyParameterNames
{
    public string? Header { get; init; }

    public string? Query { get; init; }
}

public sealed record OperationDefinition
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary>An upper-case HTTP method, or "*" for any: see <see cref="OperationMethods"/>.</summary>
    public string? Method { get; init; }

    /// <summary>Path template relative to the API prefix: "/items/{id}"; a trailing "/*" matches any rest.</summary>
    public string? UrlTemplate { get; init; }

    public PolicySet? Policies { get; init; }

    /// <summary>
    /// Example responses (from an imported OpenAPI document) that <c>mock-response</c> answers with. The management plane
    /// keeps them all and sends a gateway only those its mock-response policies select.
    /// </summary>
    public IReadOnlyList<ResponseExample>? Examples { get; init; }
}
