using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.PolicyXml;
using ManagementPlane.State;

namespace ManagementPlane.Resources;

/// <summary>
/// The policy resource of every scope: <c>/policies</c> (global, APIM's "All APIs"), <c>/products/{id}/policy</c>,
/// <c>/apis/{id}/policy</c> and <c>/apis/{id}/operations/{operationId}/policy</c>; each read and written as JSON or as APIM's
/// policy XML (<see cref="PolicyDocuments"/>). A scope's policy is part of its owner, so it shares the owner's ETag.
/// </summary>
internal static class PolicyEndpoints
{
    private const string GlobalResource = "policies";

    public static RouteGroupBuilder MapGlobalPolicies(this RouteGroupBuilder admin)
    {
        var global = new Scope("global policy set", GlobalResource,
            _ => null,
            s => (true, s.Policies),
            (s, set) =>
            {
                s.Policies = set;
                return ("policies", null);
            });
        Map(admin, "/policies", _ => global);

        Map(admin, "/products/{id}/policy", route => ProductScope(Id(route, "id")));
        Map(admin, "/apis/{id}/policy", route => ApiScope(Id(route, "id")));
        Map(admin, "/apis/{id}/operations/{operationId}/policy", route => OperationScope(Id(route, "id"), Id(route, "operationId")));
        return admin;
    }

    private static string Id(RouteValueDictionary route, string name) => route[name]?.ToString() ?? "";

    private static Scope ProductScope(string id) => new($"policy of product '{id}'", Crud.Key("products", id),
        _ => SnapshotValidator.IsValidId(id) ? null : Problems.InvalidId("product", id),
        s => s.Products.Find(p => Crud.SameId(p.Id, id)) is { } product ? (true, product.Policies) : (false, null),
        (s, set) =>
        {
            var index = s.Products.FindIndex(p => Crud.SameId(p.Id, id));
            if (index < 0)
            {
                return (null, StateError.NotFound($"no product with id '{id}'"));
            }

            s.Products[index] = s.Products[index] with { Policies = set };
            return ($"products[{index}].policies", null);
        });

    private static Scope ApiScope(string id) => new($"policy of API '{id}'", Crud.Key("apis", id),
        _ => SnapshotValidator.IsValidId(id) ? null : Problems.InvalidId("API", id),
        s => s.Apis.Find(a => Crud.SameId(a.Id, id)) is { } api ? (true, api.Policies) : (false, null),
        (s, set) =>
        {
            var index = s.Apis.FindIndex(a => Crud.SameId(a.Id, id));
            if (index < 0)
            {
                return (null, StateError.NotFound($"no API with id '{id}'"));
            }

            s.Apis[index] = s.Apis[index] with { Policies = set };
            return ($"apis[{index}].policies", null);
        });

    private static Scope OperationScope(string id, string operationId) => new($"policy of operation '{operationId}' of API '{id}'", Crud.Key("apis", id),
        _ => !SnapshotValidator.IsValidId(id) ? Problems.InvalidId("API", id) : SnapshotValidator.IsValidId(operationId) ? null : Problems.InvalidId("operation", operationId),
        s => s.Apis.Find(a => Crud.SameId(a.Id, id))?.Operations?.FirstOrDefault(o => Crud.SameId(o.Id, operationId)) is { } operation ? (true, operation.Policies) : (false, null),
        (s, set) =>
        {
            var index = s.Apis.FindIndex(a => Crud.SameId(a.Id, id));
            var operations = index < 0 ? null : s.Apis[index].Operations?.ToList();
            var position = operations?.FindIndex(o => Crud.SameId(o.Id, operationId)) ?? -1;
            if (position < 0)
            {
                return (null, StateError.NotFound(index < 0 ? $"no API with id '{id}'" : $"no operation '{operationId}' in API '{id}'"));
            }

            operations![position] = operations[position] with { Policies = set };
            s.Apis[index] = s.Apis[index] with { Operations = operations };
            return ($"apis[{index}].operations[{position}].policies", null);
        });

    private static void Map(RouteGroupBuilder admin, string pattern, Func<RouteValueDictionary, Scope> scopeOf)
    {
        admin.MapGet(pattern, (HttpContext context, StateStore store) => GetAsync(context, store, scopeOf(context.Request.RouteValues)))
            .Produces<PolicySet>(200, PolicyDocuments.Json, PolicyDocuments.Xml, PolicyDocuments.RawXml).ProducesProblem(400).ProducesProblem(404);
        admin.MapPut(pattern, (HttpContext context, StateStore store) => PutAsync(context, store, scopeOf(context.Request.RouteValues)))
            .Accepts<PolicySet>(PolicyDocuments.Json, PolicyDocuments.Xml, PolicyDocuments.RawXml)
            .Produces<PolicySet>(200, PolicyDocuments.Json, PolicyDocuments.Xml, PolicyDocuments.RawXml)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(412).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        admin.MapDelete(pattern, (HttpContext context, StateStore store) => DeleteAsync(context, store, scopeOf(context.Request.RouteValues)))
            .Produces(204).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
    }

    private static async Task<IResult> GetAsync(HttpContext context, StateStore store, Scope scope)
    {
        if (scope.Invalid(context) is { } invalid)
        {
            return invalid;
        }

        var state = (await store.ReadAsync(context.RequestAborted)).State;
        var (exists, set) = scope.Read(state);
        if (!exists)
        {
            return Problems.NotFound($"the {scope.What} does not exist: its owner is not there");
        }

        context.Response.Headers.ETag = Mutation.ETag(state, scope.Resource);
        return PolicyDocuments.Answer(context, set ?? new PolicySet(), ApiJsonContext.Api.PolicySet, PolicyXmlWriter.WritePolicies);
    }

    private static async Task<IResult> PutAsync(HttpContext context, StateStore store, Scope scope)
    {
        if (scope.Invalid(context) is { } invalid)
        {
            return invalid;
        }

        var body = await PolicyDocuments.ReadAsync(context, ApiJsonContext.Api.PolicySet, PolicyXmlReader.ReadPolicies);
        if (body.Error is not null)
        {
            return body.Error;
        }

        string? prefix = null;
        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            if (Precondition(context, state, scope) is { } failed)
            {
                return failed;
            }

            (prefix, var error) = scope.Write(state, body.Value);
            if (error is null)
            {
                mutation.Touch(scope.Resource);
            }

            return error;
        }, context.RequestAborted);

        if (outcome.Error is not null)
        {
            return PolicyDocuments.Refused(outcome.Error, body.Positions, prefix);
        }

        context.Response.Headers.ETag = Mutation.ETag(outcome.State, scope.Resource);
        return PolicyDocuments.Answer(context, scope.Read(outcome.State).Set ?? new PolicySet(), ApiJsonContext.Api.PolicySet, PolicyXmlWriter.WritePolicies);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, StateStore store, Scope scope)
    {
        if (scope.Invalid(context) is { } invalid)
        {
            return invalid;
        }

        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            if (Precondition(context, state, scope) is { } failed)
            {
                return failed;
            }

            var (_, error) = scope.Write(state, null);
            if (error is null)
            {
                mutation.Touch(scope.Resource);
            }

            return error;
        }, context.RequestAborted);
        return outcome.Error is null ? Results.NoContent() : Problems.For(outcome.Error);
    }

    private static StateError? Precondition(HttpContext context, ManagementState state, Scope scope)
    {
        var ifMatch = context.Request.Headers.IfMatch.ToString();
        var (exists, _) = scope.Read(state);
        return Mutation.Matches(state, scope.Resource, ifMatch, exists)
            ? null
            : StateError.PreconditionFailed($"the {scope.What} changed since it was read (If-Match {ifMatch}, current ETag {Mutation.ETag(state, scope.Resource)}); read it again and retry");
    }

    /// <summary>
    /// One scope: what it is called, the ETag it shares, a check of its route's ids, how to read its set (and whether its
    /// owner exists), and how to replace it (the scope's JSON path in the state, for locating errors; or why not).
    /// </summary>
    private sealed record Scope(string What, string Resource, Func<HttpContext, IResult?> Invalid,
        Func<ManagementState, (bool Exists, PolicySet? Set)> Read,
        Func<ManagementState, PolicySet?, (string? Prefix, StateError? Error)> Write);
}
