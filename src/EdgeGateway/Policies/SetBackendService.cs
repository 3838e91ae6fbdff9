using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's set-backend-service with <c>base-url</c>: this request goes to that base URL instead of the API's backend. The
/// URL stands outside the API's pool of destinations: no load balancing, no health checks or in-flight counts, but the
/// API's timeout and protocol. A literal URL is checked at load; an expression's result per request (400 through onError
/// when it is not an absolute http(s) URL without query, fragment or credentials).
/// </summary>
internal sealed class SetBackendService(string? constant, PolicyValue? expression) : PolicyStep
{
    public const string Type = "set-backend-service";

    public const string Refused = "The backend URL set-backend-service computed is not an absolute http(s) URL without query, fragment or credentials.";

    public static SetBackendService Create(PolicyAttributes a)
    {
        var value = a.RequiredValue("baseUrl");
        if (!value.IsConstant)
        {
            return new SetBackendService(null, value);
        }

        var url = value.Evaluate(null!);
        return RequestLine.BaseUrlError(url) is { } error
            ? throw new InvalidOperationException($"validated set-backend-service baseUrl is invalid: {error}")
            : new SetBackendService(url.TrimEnd('/'), null);
    }

    public override PolicyResult Apply(PolicyRun run)
    {
        var url = constant;
        if (url is null)
        {
            url = expression!.Evaluate(run);
            if (RequestLine.BaseUrlError(url) is not null)
            {
                return run.Fail(new(Type, "InvalidBaseUrl", Refused, StatusCodes.Status400BadRequest));
            }

            url = url.TrimEnd('/');
        }

        run.BackendUrl = url;
        return PolicyResult.Continue;
    }
}
