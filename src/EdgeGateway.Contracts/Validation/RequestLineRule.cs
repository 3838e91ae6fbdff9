using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// The policies that change where a request goes and how (rewrite-uri, set-backend-service, set-method): a literal value
/// (named values substituted) must be one the gateway can send, checked here as the gateway checks an expression's
/// result per request, with the same reasons. An expression is checked as an expression (<see cref="PolicyValueRule"/>).
/// </summary>
internal sealed class RequestLineRule : IPolicyRule
{
    public bool AppliesTo(string type) => type is "rewrite-uri" or "set-backend-service" or "set-method";

    public void Validate(PolicyItem item, ValidationContext context)
    {
        var (attribute, check) = item.Shape.Type switch
        {
            "rewrite-uri" => ("template", (Func<string, string?>)TemplateError),
            "set-backend-service" => ("baseUrl", RequestLine.BaseUrlError),
            _ => ("method", RequestLine.MethodError),
        };
        if (PolicyLiterals.Of(item, attribute, context) is { } literal && check(literal) is { } error)
        {
            context.Error($"{item.Path}.{attribute}", error);
        }
    }

    private static string? TemplateError(string template) =>
        RewriteTemplate.TryParse(template, out _, out var error) ? null : $"'{template}' {error}";
}
