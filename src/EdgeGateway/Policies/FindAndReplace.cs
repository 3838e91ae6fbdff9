using System.Text;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Errors;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's find-and-replace: every occurrence of <c>from</c> (ordinal, case-sensitive) in the body becomes <c>to</c> — the
/// request's in inbound and backend, the response's in outbound and onError (there, the body set-body set, if any). The
/// body is buffered, up to 1 MiB: a larger one fails the request (413 for a request body, 502 for a response body)
/// rather than pass unchanged; a body that is not UTF-8 text, or is compressed, passes unchanged.
/// </summary>
internal sealed class FindAndReplace(PolicyValue from, PolicyValue to) : PolicyStep
{
    public const string Type = "find-and-replace";

    public static FindAndReplace Create(PolicyAttributes a) => new(a.RequiredValue("from"), a.RequiredValue("to"));

    public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException("find-and-replace reads the body: ApplyAsync");

    public override ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
    {
        if (run.Section == Contracts.Policies.Sections.OnError && run.ResponseBody is null)
        {
            return new(PolicyResult.Continue); // the gateway's own error answer is not rewritten
        }

        return ApplyToBodyAsync(run);
    }

    private async ValueTask<PolicyResult> ApplyToBodyAsync(PolicyRun run)
    {
        var onRequest = run.ActsOnRequest;
        var body = onRequest ? await PolicyBodies.ReadRequestAsync(run) : await PolicyBodies.ReadResponseAsync(run);
        switch (body.State)
        {
            case BodyState.TooLarge:
                return onRequest
                    ? run.Fail(new(Type, "BodyTooLarge", PolicyBodies.RequestTooLarge, StatusCodes.Status413PayloadTooLarge))
                    : run.Fail(new(Type, "BodyTooLarge", PolicyBodies.ResponseTooLarge, StatusCodes.Status502BadGateway));
            case BodyState.ClientFailed:
                // As the forwarding path answers a broken client body (RequestBodyClient): 408 when too slow, else 4xx.
                return run.Fail(new(Type, "RequestBodyFailed",
                    body.StatusCode == StatusCodes.Status408RequestTimeout ? GatewayErrors.BodyTimeout : GatewayErrors.BadBody, body.StatusCode));
            case BodyState.BackendFailed:
                // Named as the forwarding path names a backend that fails: onError's checks for it apply here too.
                return run.Fail(new("forward-request", "BackendConnectionFailure", GatewayErrors.BackendFailed, body.StatusCode));
            case BodyState.Aborted:
                return run.Fail(new(Type, "ClientAborted", "The client closed the connection while its request was processed.", body.StatusCode));
        }

        var find = from.Evaluate(run);
        if (body.State != BodyState.Text || find.Length == 0 || !body.Text!.Contains(find, StringComparison.Ordinal))
        {
            return PolicyResult.Continue;
        }

        var replaced = Encoding.UTF8.GetBytes(body.Text.Replace(find, to.Evaluate(run), StringComparison.Ordinal));
        if (replaced.Length > PolicyBodies.MaxBuffered)
        {
            return run.Fail(new(Type, "BodyTooLarge", "find-and-replace produced a body larger than 1 MiB.", StatusCodes.Status500InternalServerError));
        }

        if (onRequest)
        {
            PolicyBodies.ReplaceRequest(run, replaced);
        }
        else
        {
            PolicyBodies.ReplaceResponse(run, replaced);
        }

        return PolicyResult.Continue;
    }
}
