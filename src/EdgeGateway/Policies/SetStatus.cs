using EdgeGateway.Contracts.Policies.Expressions;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's set-status: the status (and HTTP/1.1 reason phrase) of the response the client gets. In onError the
/// gateway's error answer keeps its body and takes this status.
/// </summary>
internal sealed class SetStatus(int code, PolicyValue? reason) : PolicyStep
{
    public static SetStatus Create(PolicyAttributes a) =>
        new(a.Int("code") ?? throw new InvalidOperationException("validated set-status lacks a code"), a.Value("reason"));

    public override PolicyResult Apply(PolicyRun run)
    {
        var response = run.Http.Response;
        response.StatusCode = code;
        if (reason is not null && run.Http.Features.Get<IHttpResponseFeature>() is { } feature)
        {
            var phrase = reason.Evaluate(run);
            feature.ReasonPhrase = HeaderValues.IsSafe(phrase) ? phrase : null;
        }

        run.StatusSet = true;
        return PolicyResult.Continue;
    }
}
