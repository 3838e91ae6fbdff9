using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.Portal.Store;
using ManagementPlane.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ManagementPlane.Resources;

/// <summary><c>/products</c>: a product groups APIs (its <c>apis</c> list) for subscriptions and policies.</summary>
internal static class ProductEndpoints
{
    private const string What = "product";

    public static RouteGroupBuilder MapProducts(this RouteGroupBuilder admin)
    {
        admin.MapGet("/products", (HttpContext c, StateStore s) => Crud.ListAsync(c, s, st => st.Products, ApiJsonContext.Api.ResourceListProductDefinition))
            .Produces<ResourceList<ProductDefinition>>();
        admin.MapGet("/products/{id}", (HttpContext c, StateStore s, string id) =>
                Crud.GetAsync(c, s, What, id, Crud.Key("products", id), st => Find(st, id), ApiJsonContext.Api.ProductDefinition))
            .Produces<ProductDefinition>().ProducesProblem(404);
        admin.MapPut("/products/{id}", PutAsync).Accepts<ProductDefinition>("application/json")
            .Produces<ProductDefinition>().Produces<ProductDefinition>(201).ProducesProblem(400).ProducesProblem(412);
        admin.MapDelete("/products/{id}", DeleteAsync)
            .Produces(204).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
        return admin;
    }

    private static ProductDefinition? Find(ManagementState state, string id) => state.Products.Find(p => Crud.SameId(p.Id, id));

    private static async Task<IResult> DeleteAsync(HttpContext context, StateStore store, PortalContentStore content, string id)
    {
        var result = await Crud.DeleteAsync(context, store, What, id, Crud.Key("products", id), st => Find(st, id) is not null,
            (st, m) => st.Products.RemoveAll(p => Crud.SameId(p.Id, id)));
        if (result is NoContent)
        {
            await content.ForgetAsync(What, id);
        }

        return result;
    }

    private static async Task<IResult> PutAsync(HttpContext context, StateStore store, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Api.ProductDefinition, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        if (body.Value!.Id is { } bodyId && !Crud.SameId(bodyId, id))
        {
            return Problems.BadRequest($"the body's id '{bodyId}' differs from the URL's '{id}'", [new ProblemError("id", "must equal the id in the URL or be omitted")]);
        }

        return await Crud.PutAsync(context, store, What, id, Crud.Key("products", id), s => Find(s, id) is not null,
            (state, mutation, exists) =>
            {
                var index = state.Products.FindIndex(p => Crud.SameId(p.Id, id));
                var product = body.Value with { Id = exists ? state.Products[index].Id : id };
                if (index >= 0)
                {
                    state.Products[index] = product;
                }
                else
                {
                    state.Products.Add(product);
                }

                return null;
            },
            s => Find(s, id)!, ApiJsonContext.Api.ProductDefinition);
    }
}
