namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>
/// What a compiled policy value or condition may read about the current request: the gateway implements it once per
/// request over what it already holds. Absent values are <see langword="null"/> (no subscription, no such header),
/// as APIM's <c>GetValueOrDefault</c> returns its default. Members return strings the gateway already has, so reading
/// them allocates nothing.
/// </summary>
public interface IPolicyContext
{
    /// <summary><c>context.Subscription.Id</c>: the subscription that authenticated the call, if any.</summary>
    string? SubscriptionId { get; }

    /// <summary><c>context.Subscription.Key</c>: the key the caller presented, if any.</summary>
    string? SubscriptionKey { get; }

    /// <summary><c>context.Request.IpAddress</c>: the client address (from trusted proxies' <c>X-Forwarded-For</c>, else the socket).</summary>
    string ClientIp { get; }

    /// <summary><c>context.Request.Method</c>.</summary>
    string Method { get; }

    /// <summary><c>context.Request.Url.Path</c>: the request path as received.</summary>
    string Path { get; }

    /// <summary><c>context.Api.Id</c>.</summary>
    string? ApiId { get; }

    /// <summary><c>context.Api.Name</c>.</summary>
    string? ApiName { get; }

    /// <summary><c>context.Operation.Id</c>: the matched operation, if the API has operations.</summary>
    string? OperationId { get; }

    /// <summary><c>context.Product.Id</c>: the product of the subscription, if any.</summary>
    string? ProductId { get; }

    /// <summary><c>context.Product.Name</c>.</summary>
    string? ProductName { get; }

    /// <summary><c>context.Deployment.Region</c>: the gateway's configured region.</summary>
    string Region { get; }

    /// <summary><c>context.Response.StatusCode</c>: only read in outbound and onError.</summary>
    int ResponseStatusCode { get; }

    /// <summary><c>context.LastError.Source</c>: only read in onError.</summary>
    string? LastErrorSource { get; }

    /// <summary><c>context.LastError.Reason</c>: only read in onError.</summary>
    string? LastErrorReason { get; }

    /// <summary><c>context.LastError.Message</c>: only read in onError.</summary>
    string? LastErrorMessage { get; }

    /// <summary><c>context.Request.Headers.GetValueOrDefault(name)</c>: a header's values joined by commas, as APIM does.</summary>
    string? Header(string name);

    /// <summary><c>context.Request.Url.Query.GetValueOrDefault(name)</c>: a query parameter's values joined by commas.</summary>
    string? Query(string name);

    /// <summary><c>context.Response.Headers.GetValueOrDefault(name)</c>: only read in outbound and onError.</summary>
    string? ResponseHeader(string name);

    /// <summary><c>context.Variables["name"]</c>: a variable set by <c>set-variable</c> (as text).</summary>
    string? Variable(string name);

    /// <summary>
    /// <c>((Jwt)context.Variables["variable"]).Claims.GetValueOrDefault("claim")</c>: a claim of the token that
    /// <c>validate-jwt</c> validated and stored under <paramref name="variable"/> (its <c>outputTokenVariableName</c>);
    /// several values are joined by commas, as APIM does.
    /// </summary>
    string? Claim(string variable, string claim);

    /// <summary>
    /// <c>context.Request.Certificate</c>: the client certificate presented on the gateway's TLS listener, or forwarded by a
    /// trusted proxy that ended TLS; null without one. The subset reads it only as a null test and through a few text members (docs/policies.md#expressions).
    /// </summary>
    System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate => null;

    /// <summary>
    /// <c>(IResponse)context.Variables["name"]</c>: the response send-request stored under <paramref name="name"/>, or null
    /// (no such variable, a text variable, or a side call that failed with ignoreError). A default body so that contexts that
    /// never hold responses (tests, tools) need not say so.
    /// </summary>
    IPolicyResponse? ResponseVariable(string name) => null;
}
