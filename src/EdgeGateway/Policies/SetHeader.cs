using EdgeGateway.Contracts.Policies.Expressions;
using Microsoft.Extensions.Primitives;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's set-header: in inbound and backend on the request the backend receives, in outbound and onError on the
/// response the client receives.
/// </summary>
internal sealed class SetHeader(PolicyValue name, PolicyValue[] values, ExistsAction action) : PolicyStep
{
    public const string Type = "set-header";

    public static SetHeader Create(PolicyAttributes a) =>
        new(a.RequiredValue("name"), a.ValueOrValues(), ExistsActions.Parse(a.Text("existsAction")));

    public override PolicyResult Apply(PolicyRun run)
    {
        var headerName = name.Evaluate(run);
        if (!HeaderValues.IsSettableName(name, headerName))
        {
            return run.Fail(new(Type, "InvalidHeaderName", HeaderValues.IsName(headerName) ? HeaderValues.Managed : HeaderValues.Refused,
                StatusCodes.Status400BadRequest));
        }

        if (run.ActsOnRequest && headerName.Equals("Host", StringComparison.OrdinalIgnoreCase))
        {
            return SetBackendHost(run);
        }

        var headers = run.ActsOnRequest ? run.Http.Request.Headers : run.Http.Response.Headers;
        if (action == ExistsAction.Delete)
        {
            headers.Remove(headerName);
            return PolicyResult.Continue;
        }

        if (action == ExistsAction.Skip && headers.ContainsKey(headerName))
        {
            return PolicyResult.Continue;
        }

        if (!PolicyValues.TryEvaluateHeaderValues(values, run, out var evaluated))
        {
            return run.Fail(new(Type, "InvalidHeaderValue", HeaderValues.Refused, StatusCodes.Status400BadRequest));
        }

        headers[headerName] = action == ExistsAction.Append ? StringValues.Concat(headers[headerName], evaluated) : evaluated;
        return PolicyResult.Continue;
    }

    /// <summary>
    /// Host is the transformer's to send (the backend's own, unless a policy names one), so it goes to
    /// <see cref="PolicyRun.BackendHost"/>, not the client's request: X-Forwarded-Host still says where the client went.
    /// A request has one Host: append sets it as override does; skip never does (the request has one already).
    /// </summary>
    private PolicyResult SetBackendHost(PolicyRun run)
    {
        if (action == ExistsAction.Delete)
        {
            run.BackendHost = null;
            return PolicyResult.Continue;
        }

        if (action == ExistsAction.Skip && (run.BackendHost is not null || run.Http.Request.Headers.Host.Count > 0))
        {
            return PolicyResult.Continue;
        }

        if (!PolicyValues.TryEvaluateHeaderValues(values, run, out var evaluated))
        {
            return run.Fail(new(Type, "InvalidHeaderValue", HeaderValues.Refused, StatusCodes.Status400BadRequest));
        }

        if (evaluated.Count != 1 || !HeaderValues.IsHost(evaluated[0]!))
        {
            return run.Fail(new(Type, "InvalidHeaderValue", HeaderValues.HostRefused, StatusCodes.Status400BadRequest));
        }

        run.BackendHost = evaluated[0];
        return PolicyResult.Continue;
    }
}

/// <summary>Evaluating lists of values, shared by the policies that take several.</summary>
internal static class PolicyValues
{
    /// <summary>All values, each safe to send in a header; one value costs no array.</summary>
    public static bool TryEvaluateHeaderValues(PolicyValue[] values, PolicyRun run, out StringValues evaluated)
    {
        if (values.Length == 1)
        {
            var single = values[0].Evaluate(run);
            evaluated = single;
            return HeaderValues.IsSafe(single);
        }

        var all = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            all[i] = values[i].Evaluate(run);
            if (!HeaderValues.IsSafe(all[i]))
            {
                evaluated = default;
                return false;
            }
        }

        evaluated = all;
        return true;
    }
}
