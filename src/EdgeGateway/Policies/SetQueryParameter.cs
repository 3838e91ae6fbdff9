using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Proxy;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's set-query-parameter, on the query the backend receives. Other parameters keep their bytes as the client
/// wrote them; the set ones are percent-encoded.
/// </summary>
internal sealed class SetQueryParameter(PolicyValue name, PolicyValue[] values, ExistsAction action) : PolicyStep
{
    public const string Type = "set-query-parameter";

    public static SetQueryParameter Create(PolicyAttributes a) =>
        new(a.RequiredValue("name"), a.ValueOrValues(), ExistsActions.Parse(a.Text("existsAction")));

    public override PolicyResult Apply(PolicyRun run)
    {
        var request = run.Http.Request;
        var parameter = name.Evaluate(run);
        if (action == ExistsAction.Skip && request.Query.ContainsKey(parameter))
        {
            return PolicyResult.Continue;
        }

        var query = request.QueryString.Value ?? string.Empty;
        if (action is ExistsAction.Override or ExistsAction.Delete)
        {
            query = GatewayTransformer.WithoutParameter(query, parameter).ToString();
        }

        if (action != ExistsAction.Delete)
        {
            var builder = new System.Text.StringBuilder(query);
            var encodedName = Uri.EscapeDataString(parameter);
            foreach (var value in values)
            {
                builder.Append(builder.Length == 0 ? '?' : '&').Append(encodedName).Append('=').Append(Uri.EscapeDataString(value.Evaluate(run)));
            }

            query = builder.ToString();
        }

        request.QueryString = new QueryString(query.Length <= 1 ? null : query);
        return PolicyResult.Continue;
    }
}
