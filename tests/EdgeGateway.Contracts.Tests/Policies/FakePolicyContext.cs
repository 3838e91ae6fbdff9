using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Contracts.Tests.Policies;

/// <summary>A request as compiled values see it; lookups are case-insensitive, like headers.</summary>
internal sealed class FakePolicyContext : IPolicyContext
{
    public string? SubscriptionId { get; init; } = "sub-1";

    public string? SubscriptionKey { get; init; } = "key-1";

    public string ClientIp { get; init; } = "203.0.113.7";

    public string Method { get; init; } = "GET";

    public string Path { get; init; } = "/echo/items/42";

    public string? ApiId { get; init; } = "echo";

    public string? ApiName { get; init; } = "Echo API";

    public string? OperationId { get; init; } = "get-item";

    public string? ProductId { get; init; } = "starter";

    public string? ProductName { get; init; } = "Starter";

    public string Region { get; init; } = "westeurope";

    public int ResponseStatusCode { get; init; } = 200;

    public string? LastErrorSource { get; init; } = "forward-request";

    public string? LastErrorReason { get; init; } = "Timeout";

    public string? LastErrorMessage { get; init; } = "the backend did not answer in time";

    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase) { ["X-Name"] = "alice" };

    public Dictionary<string, string> QueryParameters { get; init; } = new(StringComparer.Ordinal) { ["q"] = "books" };

    public Dictionary<string, string> ResponseHeaders { get; init; } = new(StringComparer.OrdinalIgnoreCase) { ["Cache-Control"] = "no-store" };

    public Dictionary<string, string> Variables { get; init; } = new(StringComparer.Ordinal) { ["name"] = "v1" };

    public Dictionary<(string, string), string> Claims { get; init; } = new() { [("jwt", "sub")] = "user-9" };

    public string? Header(string name) => Headers.GetValueOrDefault(name);

    public string? Query(string name) => QueryParameters.GetValueOrDefault(name);

    public string? ResponseHeader(string name) => ResponseHeaders.GetValueOrDefault(name);

    public string? Variable(string name) => Variables.GetValueOrDefault(name);

    public string? Claim(string variable, string claim) => Claims.GetValueOrDefault((variable, claim));

    public Dictionary<string, IPolicyResponse> Responses { get; init; } = new(StringComparer.Ordinal);

    public IPolicyResponse? ResponseVariable(string name) => Responses.GetValueOrDefault(name);
}
