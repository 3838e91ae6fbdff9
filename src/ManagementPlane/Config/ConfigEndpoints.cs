using ManagementPlane.Hosting;
using ManagementPlane.State;

namespace ManagementPlane.Config;

/// <summary><c>PUT /config</c> (declarative apply, for GitOps) and <c>GET /config</c> (export, secrets left out).</summary>
internal static class ConfigEndpoints
{
    public static RouteGroupBuilder MapConfig(this RouteGroupBuilder admin)
    {
        admin.MapGet("/config", async (HttpContext context, StateStore store) =>
        {
            var state = (await store.ReadAsync(context.RequestAborted)).State;
            context.Response.Headers.ETag = $"\"{state.Revision}\"";
            return Results.Json(ConfigApplier.Export(state), ApiJsonContext.Api.ConfigDocument);
        }).Produces<ConfigDocument>();

        admin.MapPut("/config", PutAsync).Accepts<ConfigDocument>("application/json")
            .Produces<ConfigApplyResult>().ProducesProblem(400).ProducesProblem(412).ProducesProblem(413);
        return admin;
    }

    private static async Task<IResult> PutAsync(HttpContext context, StateStore store, ConfigApplier applier)
    {
        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Api.ConfigDocument, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        var ifMatch = context.Request.Headers.IfMatch.ToString().Trim();
        ConfigApplyResult? result = null;
        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            if (ifMatch.Length > 0 && ifMatch != "*" && ifMatch != $"\"{state.Revision}\"")
            {
                return StateError.PreconditionFailed($"the configuration changed since it was read (If-Match {ifMatch}, current \"{state.Revision}\"); export it again and retry");
            }

            var (errors, applied) = applier.Apply(state, mutation, body.Value!);
            if (errors.Count > 0)
            {
                return StateError.Invalid($"the configuration has {errors.Count} problem(s); nothing was changed", errors);
            }

            result = applied;
            return null;
        }, context.RequestAborted);

        if (outcome.Error is not null)
        {
            return Problems.For(outcome.Error);
        }

        context.Response.Headers.ETag = $"\"{outcome.State.Revision}\"";
        return Results.Json(result! with { Revision = outcome.State.Revision }, ApiJsonContext.Api.ConfigApplyResult);
    }
}
