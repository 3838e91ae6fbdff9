using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Hosting;
using ManagementPlane.State;

namespace ManagementPlane.Resources;

/// <summary><c>/policies</c>: the global scope (APIM's "All APIs").</summary>
internal static class PolicyEndpoints
{
    private const string Resource = "policies";

    public static RouteGroupBuilder MapGlobalPolicies(this RouteGroupBuilder admin)
    {
        admin.MapGet("/policies", async (HttpContext context, StateStore store) =>
        {
            var state = (await store.ReadAsync(context.RequestAborted)).State;
            context.Response.Headers.ETag = Mutation.ETag(state, Resource);
            return Results.Json(state.Policies ?? new PolicySet(), ApiJsonContext.Api.PolicySet);
        }).Produces<PolicySet>();
        admin.MapPut("/policies", PutAsync).Accepts<PolicySet>("application/json").Produces<PolicySet>().ProducesProblem(400).ProducesProblem(412);
        admin.MapDelete("/policies", async (HttpContext context, StateStore store) =>
        {
            var ifMatch = context.Request.Headers.IfMatch.ToString();
            var outcome = await store.UpdateAsync((state, mutation) =>
            {
                if (!Mutation.Matches(state, Resource, ifMatch, exists: true))
                {
                    return StateError.PreconditionFailed($"the global policies changed since they were read (current ETag {Mutation.ETag(state, Resource)})");
                }

                state.Policies = null;
                mutation.Touch(Resource);
                return null;
            }, context.RequestAborted);
            return outcome.Error is null ? Results.NoContent() : Problems.For(outcome.Error);
        }).Produces(204).ProducesProblem(412);
        return admin;
    }

    private static async Task<IResult> PutAsync(HttpContext context, StateStore store)
    {
        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Api.PolicySet, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        return await Crud.PutAsync(context, store, "global policy set", Resource, Resource, _ => true,
            (state, mutation, exists) =>
            {
                state.Policies = body.Value;
                return null;
            },
            s => s.Policies ?? new PolicySet(), ApiJsonContext.Api.PolicySet);
    }
}
