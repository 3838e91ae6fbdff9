using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.Import;
using ManagementPlane.State;
using ManagementPlane.Portal.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ManagementPlane.Resources;

/// <summary><c>/apis</c>, <c>/apis/import</c> and <c>/apis/{id}/operations</c>.</summary>
internal static class ApiEndpoints
{
    private const string What = "API";

    public static RouteGroupBuilder MapApis(this RouteGroupBuilder admin)
    {
        var json = ApiJsonContext.Api;
        admin.MapGet("/apis", (HttpContext c, StateStore s) => Crud.ListAsync(c, s, st => st.Apis, json.ResourceListApiDefinition))
            .Produces<ResourceList<ApiDefinition>>();
        admin.MapGet("/apis/{id}", GetAsync).Produces<ApiDefinition>().ProducesProblem(404);
        admin.MapPut("/apis/{id}", PutAsync).Accepts<ApiDefinition>("application/json")
            .Produces<ApiDefinition>().Produces<ApiDefinition>(201).ProducesProblem(400).ProducesProblem(412);
        admin.MapDelete("/apis/{id}", DeleteAsync).Produces(204).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
        admin.MapPost("/apis/import", ImportAsync).Accepts<string>("application/json", "application/yaml", "text/yaml", "text/plain")
            .Produces<ImportResult>().Produces<ImportResult>(201).ProducesProblem(400).ProducesProblem(413)
            .WithDescription("Imports an OpenAPI 2.0/3.x document (JSON or YAML) as the API 'id' (query), served under 'path' (query, default /id), forwarding to 'backendUrl' (query, default the document's first server). Re-importing replaces the operations.");

        admin.MapGet("/apis/{id}/operations", ListOperationsAsync).Produces<ResourceList<OperationDefinition>>().ProducesProblem(404);
        admin.MapGet("/apis/{id}/operations/{operationId}", GetOperationAsync).Produces<OperationDefinition>().ProducesProblem(404);
        admin.MapPut("/apis/{id}/operations/{operationId}", PutOperationAsync).Accepts<OperationDefinition>("application/json")
            .Produces<OperationDefinition>().Produces<OperationDefinition>(201).ProducesProblem(400).ProducesProblem(404).ProducesProblem(412);
        admin.MapDelete("/apis/{id}/operations/{operationId}", DeleteOperationAsync).Produces(204).ProducesProblem(404).ProducesProblem(412);
        return admin;
    }

    private static ApiDefinition? Find(ManagementState state, string id) => state.Apis.Find(a => Crud.SameId(a.Id, id));

    private static Task<IResult> GetAsync(HttpContext context, StateStore store, string id) =>
        Crud.GetAsync(context, store, What, id, Crud.Key("apis", id), s => Find(s, id), ApiJsonContext.Api.ApiDefinition);

    private static async Task<IResult> PutAsync(HttpContext context, StateStore store, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Api.ApiDefinition, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        if (body.Value!.Id is { } bodyId && !Crud.SameId(bodyId, id))
        {
            return Problems.BadRequest($"the body's id '{bodyId}' differs from the URL's '{id}'", [new ProblemError("id", "must equal the id in the URL or be omitted")]);
        }

        return await Crud.PutAsync(context, store, What, id, Crud.Key("apis", id), s => Find(s, id) is not null,
            (state, mutation, exists) =>
            {
                var index = state.Apis.FindIndex(a => Crud.SameId(a.Id, id));
                // Operations are their own resource: a PUT without them keeps the existing ones.
                var api = body.Value with { Id = exists ? state.Apis[index].Id : id, Operations = body.Value.Operations ?? (exists ? state.Apis[index].Operations : null) };
                Upsert(state, index, api);
                return null;
            },
            s => Find(s, id)!, ApiJsonContext.Api.ApiDefinition);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, StateStore store, PortalContentStore content, string id)
    {
        var result = await DeleteFromStateAsync(context, store, id);
        if (result is NoContent)
        {
            await content.ForgetAsync(What, id);
        }

        return result;
    }

    private static Task<IResult> DeleteFromStateAsync(HttpContext context, StateStore store, string id) =>
        Crud.DeleteAsync(context, store, What, id, Crud.Key("apis", id), s => Find(s, id) is not null, (state, mutation) =>
        {
            state.Apis.RemoveAll(a => Crud.SameId(a.Id, id));
            // An API leaves its products and gateways with it; subscriptions scoped to it block the delete (409).
            for (var i = 0; i < state.Products.Count; i++)
            {
                var product = state.Products[i];
                if (product.Apis?.Any(a => Crud.SameId(a, id)) == true)
                {
                    state.Products[i] = product with { Apis = product.Apis.Where(a => !Crud.SameId(a, id)).ToList() };
                    mutation.Touch(Crud.Key("products", product.Id!));
                }
            }

            foreach (var gateway in state.Gateways.Where(g => g.Apis.RemoveAll(a => Crud.SameId(a, id)) > 0))
            {
                mutation.Touch(Crud.Key("gateways", gateway.Id));
            }
        });

    private static async Task<IResult> ImportAsync(HttpContext context, StateStore store, IOptions<ManagementOptions> options, PortalContentStore content,
        string? id, string? path, string? backendUrl)
    {
        if (string.IsNullOrEmpty(id) || !SnapshotValidator.IsValidId(id))
        {
            return id is null ? Problems.BadRequest("the query parameter 'id' (the new API's id) is required") : Problems.InvalidId(What, id);
        }

        var bytes = await RequestBody.ReadBytesAsync(context, options.Value.MaxImportBytes, context.RequestAborted);
        if (bytes.Error is not null)
        {
            return bytes.Error;
        }

        if (bytes.Value!.Length == 0)
        {
            return Problems.BadRequest("the request body is empty; send the OpenAPI document (JSON or YAML)");
        }

        var parsed = OpenApiImporter.Parse(bytes.Value);
        if (parsed.Operations is null)
        {
            return Problems.Invalid(parsed.Errors, "the body is not a readable OpenAPI document");
        }

        var backend = backendUrl ?? parsed.BackendUrl;
        if (backend is null)
        {
            return Problems.BadRequest("the document names no absolute http(s) server; give the query parameter 'backendUrl'");
        }

        var response = await Crud.PutAsync(context, store, What, id, Crud.Key("apis", id), s => Find(s, id) is not null,
            (state, mutation, exists) =>
            {
                var index = state.Apis.FindIndex(a => Crud.SameId(a.Id, id));
                var existing = exists ? state.Apis[index] : null;
                var api = (existing ?? new ApiDefinition { Id = id }) with
                {
                    Name = existing?.Name ?? parsed.Title ?? id,
                    Path = path ?? existing?.Path ?? "/" + id,
                    Backend = backendUrl is null && existing?.Backend is not null ? existing.Backend : new BackendDefinition { Urls = [backend] },
                    Operations = parsed.Operations,
                };
                Upsert(state, index, api);
                return null;
            },
            s => new ImportResult(Find(s, id)!, parsed.Skipped), ApiJsonContext.Api.ImportResult);
        if (response is IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK or StatusCodes.Status201Created })
        {
            // Imported: the document as it came is what the portal shows and offers for download.
            await content.KeepImportedAsync(id, bytes.Value);
        }

        return response;
    }

    private static async Task<IResult> ListOperationsAsync(HttpContext context, StateStore store, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var state = (await store.ReadAsync(context.RequestAborted)).State;
        if (Find(state, id) is not { } api)
        {
            return Problems.NotFound($"no API with id '{id}'");
        }

        var operations = api.Operations ?? [];
        return Results.Json(new ResourceList<OperationDefinition>(operations, operations.Count), ApiJsonContext.Api.ResourceListOperationDefinition);
    }

    private static OperationDefinition? FindOperation(ManagementState state, string id, string operationId) =>
        Find(state, id)?.Operations?.FirstOrDefault(o => Crud.SameId(o.Id, operationId));

    private static Task<IResult> GetOperationAsync(HttpContext context, StateStore store, string id, string operationId) =>
        SnapshotValidator.IsValidId(id)
            ? Crud.GetAsync(context, store, "operation", operationId, OperationKey(id, operationId), s => FindOperation(s, id, operationId), ApiJsonContext.Api.OperationDefinition)
            : Task.FromResult(Problems.InvalidId(What, id));

    private static async Task<IResult> PutOperationAsync(HttpContext context, StateStore store, string id, string operationId)
    {
        if (!SnapshotValidator.IsValidId(id) || !SnapshotValidator.IsValidId(operationId))
        {
            return SnapshotValidator.IsValidId(id) ? Problems.InvalidId("operation", operationId) : Problems.InvalidId(What, id);
        }

        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Api.OperationDefinition, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        if (body.Value!.Id is { } bodyId && !Crud.SameId(bodyId, operationId))
        {
            return Problems.BadRequest($"the body's id '{bodyId}' differs from the URL's '{operationId}'", [new ProblemError("id", "must equal the id in the URL or be omitted")]);
        }

        return await Crud.PutAsync(context, store, "operation", operationId, OperationKey(id, operationId), s => FindOperation(s, id, operationId) is not null,
            (state, mutation, exists) =>
            {
                var index = state.Apis.FindIndex(a => Crud.SameId(a.Id, id));
                if (index < 0)
                {
                    return StateError.NotFound($"no API with id '{id}'");
                }

                var api = state.Apis[index];
                var operations = (api.Operations ?? []).Where(o => !Crud.SameId(o.Id, operationId)).ToList();
                var position = (api.Operations ?? []).ToList().FindIndex(o => Crud.SameId(o.Id, operationId));
                operations.Insert(position < 0 ? operations.Count : position, body.Value with { Id = operationId });
                state.Apis[index] = api with { Operations = operations };
                mutation.Touch(Crud.Key("apis", id));
                return null;
            },
            s => FindOperation(s, id, operationId)!, ApiJsonContext.Api.OperationDefinition);
    }

    private static Task<IResult> DeleteOperationAsync(HttpContext context, StateStore store, string id, string operationId) =>
        Crud.DeleteAsync(context, store, "operation", operationId, OperationKey(id, operationId), s => FindOperation(s, id, operationId) is not null, (state, mutation) =>
        {
            var index = state.Apis.FindIndex(a => Crud.SameId(a.Id, id));
            state.Apis[index] = state.Apis[index] with { Operations = state.Apis[index].Operations!.Where(o => !Crud.SameId(o.Id, operationId)).ToList() };
            mutation.Touch(Crud.Key("apis", id));
        });

    private static string OperationKey(string id, string operationId) => Crud.Key("apis", id) + "/operations/" + operationId.ToLowerInvariant();

    private static void Upsert(ManagementState state, int index, ApiDefinition api)
    {
        if (index >= 0)
        {
            state.Apis[index] = api;
        }
        else
        {
            state.Apis.Add(api);
        }
    }
}
