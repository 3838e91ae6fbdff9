using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's set-method: the method of the request the backend gets (and that later policies read as
/// <c>context.Request.Method</c>). A literal method is checked at load; an expression's result per request (400 through
/// onError when it is not a method token, or is CONNECT or HEAD: see <see cref="RequestLine.MethodError"/>).
/// </summary>
internal sealed class SetMethod(string? constant, PolicyValue? expression) : PolicyStep
{
    public const string Type = "set-method";

    public const string Refused = "The method set-method computed is not an HTTP method the gateway can send.";

    public static SetMethod Create(PolicyAttributes a)
    {
        var value = a.RequiredValue("method");
        if (!value.IsConstant)
        {
            return new SetMethod(null, value);
        }

        var method = value.Evaluate(null!);
        return RequestLine.MethodError(method) is { } error
            ? throw new InvalidOperationException($"validated set-method method is invalid: {error}")
            : new SetMethod(HttpMethods.GetCanonicalizedValue(method), null);
    }

    public override PolicyResult Apply(PolicyRun run)
    {
        var method = constant;
        if (method is null)
        {
            method = expression!.Evaluate(run);
            if (RequestLine.MethodError(method) is not null)
            {
                return run.Fail(new(Type, "InvalidMethod", Refused, StatusCodes.Status400BadRequest));
            }
        }

        run.Http.Request.Method = method;
        return PolicyResult.Continue;
    }
}
