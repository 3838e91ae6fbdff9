using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Resources;
using ManagementPlane.State;

namespace ManagementPlane.Portal.Web;

/// <summary>
/// What the portal may show of the head record: published products, and the APIs that at least one published product
/// contains. Everything else (unpublished products, APIs in no published product) does not exist for a page.
/// </summary>
internal sealed class PortalCatalogue(ManagementState state)
{
    /// <summary>Published products, in the order the admin created them.</summary>
    public IReadOnlyList<ProductDefinition> Products { get; } = state.Products.Where(IsPublished).ToList();

    /// <summary>APIs in at least one published product, in the head record's order.</summary>
    public IReadOnlyList<ApiDefinition> Apis => state.Apis.Where(a => ProductsOf(a.Id).Count > 0).ToList();

    /// <summary>A published product, or null (unknown or not published: the page is a 404 either way).</summary>
    public ProductDefinition? FindProduct(string id) => Products.FirstOrDefault(p => Crud.SameId(p.Id, id));

    /// <summary>An API that a published product contains, or null.</summary>
    public ApiDefinition? FindApi(string id) =>
        state.Apis.Find(a => Crud.SameId(a.Id, id)) is { } api && ProductsOf(api.Id).Count > 0 ? api : null;

    /// <summary>The published products that contain the API <paramref name="apiId"/>.</summary>
    public IReadOnlyList<ProductDefinition> ProductsOf(string? apiId) =>
        Products.Where(p => p.Apis?.Any(a => Crud.SameId(a, apiId)) == true).ToList();

    /// <summary>The APIs a product lists that exist (a product may name an API that was deleted since).</summary>
    public IReadOnlyList<ApiDefinition> ApisOf(ProductDefinition product) =>
        (product.Apis ?? []).Select(id => state.Apis.Find(a => Crud.SameId(a.Id, id))).OfType<ApiDefinition>().ToList();

    /// <summary>The operation <paramref name="operationId"/> of <paramref name="api"/>, or null.</summary>
    public static OperationDefinition? FindOperation(ApiDefinition api, string operationId) =>
        api.Operations?.FirstOrDefault(o => Crud.SameId(o.Id, operationId));

    private static bool IsPublished(ProductDefinition product) =>
        string.Equals(product.State ?? ProductStates.Default, ProductStates.Published, StringComparison.OrdinalIgnoreCase);
}
