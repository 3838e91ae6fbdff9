using System.Text;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's set-body with a literal or an expression of the value subset: in inbound and backend the body the backend gets
/// (sent with its Content-Length, no chunking), in outbound and onError the body the client gets, as UTF-8.
/// </summary>
internal sealed class SetBody(PolicyValue value) : PolicyStep
{
    public const string Type = "set-body";

    public static SetBody Create(PolicyAttributes a) => new(a.RequiredValue("value"));

    public override PolicyResult Apply(PolicyRun run)
    {
        var body = Encoding.UTF8.GetBytes(value.Evaluate(run));
        if (body.Length > PolicyBodies.MaxBuffered)
        {
            return run.Fail(new(Type, "BodyTooLarge", "set-body computed a body larger than 1 MiB.", StatusCodes.Status500InternalServerError));
        }

        if (run.ActsOnRequest)
        {
            PolicyBodies.ReplaceRequest(run, body);
        }
        else
        {
            PolicyBodies.ReplaceResponse(run, body);
        }

        return PolicyResult.Continue;
    }
}
