using System.Text;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.Import;
using ManagementPlane.Resources;
using ManagementPlane.State;
using Microsoft.Extensions.Options;

namespace ManagementPlane.Portal.Store;

/// <summary>
/// What the portal shows beside a definition: <c>/apis/{id}/description</c>, <c>/products/{id}/description</c> (Markdown)
/// and <c>/apis/{id}/openapi</c> (the document as imported). Kept in their own objects: a description edit is no state
/// revision and reaches no gateway.
/// </summary>
internal static class ContentEndpoints
{
    /// <summary>A long page of Markdown; more is a mistake (or an attack on the page's rendering).</summary>
    public const int MaxDescriptionBytes = 64 * 1024;

    private const string Markdown = "text/markdown";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static RouteGroupBuilder MapPortalContent(this RouteGroupBuilder admin)
    {
        admin.MapGet("/apis/{id}/description", (HttpContext c, StateStore s, PortalContentStore content, string id) =>
                GetDescriptionAsync(c, s, id, "API", async ct => (await content.GetApiAsync(id, ct))?.Description))
            .Produces<string>(200, Markdown).ProducesProblem(400).ProducesProblem(404)
            .WithDescription("The API's description in the developer portal (Markdown; empty when none).");
        admin.MapPut("/apis/{id}/description", (HttpContext c, StateStore s, PortalContentStore content, string id) =>
                PutDescriptionAsync(c, s, id, "API", (text, ct) => content.UpdateApiAsync(id, a => a.Description = text, ct)))
            .Accepts<string>(Markdown, "text/plain").Produces(204).ProducesProblem(400).ProducesProblem(404).ProducesProblem(413)
            .WithDescription("Replaces the API's portal description: Markdown (UTF-8, at most 64 KiB; raw HTML is not rendered). An empty body removes it.");
        admin.MapGet("/products/{id}/description", (HttpContext c, StateStore s, PortalContentStore content, string id) =>
                GetDescriptionAsync(c, s, id, "product", async ct => (await content.GetProductAsync(id, ct))?.Description))
            .Produces<string>(200, Markdown).ProducesProblem(400).ProducesProblem(404)
            .WithDescription("The product's description in the developer portal (Markdown; empty when none).");
        admin.MapPut("/products/{id}/description", (HttpContext c, StateStore s, PortalContentStore content, string id) =>
                PutDescriptionAsync(c, s, id, "product", (text, ct) => content.UpdateProductAsync(id, p => p.Description = text, ct)))
            .Accepts<string>(Markdown, "text/plain").Produces(204).ProducesProblem(400).ProducesProblem(404).ProducesProblem(413)
            .WithDescription("Replaces the product's portal description: Markdown (UTF-8, at most 64 KiB; raw HTML is not rendered). An empty body removes it.");
        admin.MapGet("/apis/{id}/openapi", GetOpenApiAsync)
            .Produces<string>(200, "application/json", "application/yaml").ProducesProblem(400).ProducesProblem(404)
            .WithDescription("The OpenAPI document the portal shows and offers for download: the one last imported (POST /apis/import) or put here.");
        admin.MapPut("/apis/{id}/openapi", PutOpenApiAsync)
            .Accepts<string>("application/json", "application/yaml", "text/yaml", "text/plain").Produces(204).ProducesProblem(400).ProducesProblem(404).ProducesProblem(413)
            .WithDescription("Replaces the stored OpenAPI document (JSON or YAML, OpenAPI 2.0/3.x) without re-importing: the API's operations stay as they are.");
        return admin;
    }

    /// <summary>Stores an imported document as the API's portal document: JSON or YAML as it came.</summary>
    public static Task StoreDocumentAsync(PortalContentStore content, string apiId, byte[] document, CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetString(document).TrimStart('\uFEFF');
        var format = text.TrimStart().StartsWith('{') ? "json" : "yaml";
        return content.UpdateApiAsync(apiId, a =>
        {
            a.OpenApiDocument = text;
            a.OpenApiFormat = format;
        }, cancellationToken);
    }

    private static async Task<IResult> GetDescriptionAsync(HttpContext context, StateStore store, string id, string what, Func<CancellationToken, Task<string?>> read)
    {
        if (await CheckExistsAsync(context, store, id, what) is { } problem)
        {
            return problem;
        }

        return Results.Text(await read(context.RequestAborted) ?? "", Markdown + "; charset=utf-8", Encoding.UTF8);
    }

    private static async Task<IResult> PutDescriptionAsync(HttpContext context, StateStore store, string id, string what, Func<string?, CancellationToken, Task> write)
    {
        if (await CheckExistsAsync(context, store, id, what) is { } problem)
        {
            return problem;
        }

        var bytes = await RequestBody.ReadBytesAsync(context, MaxDescriptionBytes, context.RequestAborted);
        if (bytes.Error is not null)
        {
            return bytes.Error;
        }

        if (Decode(bytes.Value!) is not { } text)
        {
            return Problems.BadRequest("the description is not valid UTF-8 text");
        }

        await write(text.Trim().Length == 0 ? null : text, context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> GetOpenApiAsync(HttpContext context, StateStore store, PortalContentStore content, string id)
    {
        if (await CheckExistsAsync(context, store, id, "API") is { } problem)
        {
            return problem;
        }

        var stored = await content.GetApiAsync(id, context.RequestAborted);
        if (stored?.OpenApiDocument is not { } document)
        {
            return Problems.NotFound($"no OpenAPI document is stored for the API '{id}' (import one with POST /apis/import, or PUT /apis/{id}/openapi)");
        }

        return Results.Text(document, (stored.OpenApiFormat == "yaml" ? "application/yaml" : "application/json") + "; charset=utf-8", Encoding.UTF8);
    }

    private static async Task<IResult> PutOpenApiAsync(HttpContext context, StateStore store, PortalContentStore content, IOptions<ManagementOptions> options, string id)
    {
        if (await CheckExistsAsync(context, store, id, "API") is { } problem)
        {
            return problem;
        }

        var bytes = await RequestBody.ReadBytesAsync(context, options.Value.MaxImportBytes, context.RequestAborted);
        if (bytes.Error is not null)
        {
            return bytes.Error;
        }

        if (bytes.Value!.Length == 0 || Decode(bytes.Value) is null)
        {
            return Problems.BadRequest("the request body must be an OpenAPI document (JSON or YAML, UTF-8)");
        }

        var parsed = OpenApiImporter.Parse(bytes.Value);
        if (parsed.Operations is null)
        {
            return Problems.Invalid(parsed.Errors, "the body is not a readable OpenAPI document");
        }

        await StoreDocumentAsync(content, id, bytes.Value, context.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>A 400 for a malformed id, a 404 when the API or product is not in the state; null when it is.</summary>
    private static async Task<IResult?> CheckExistsAsync(HttpContext context, StateStore store, string id, string what)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(what, id);
        }

        var state = (await store.ReadAsync(context.RequestAborted)).State;
        var exists = what == "API" ? state.Apis.Exists(a => Crud.SameId(a.Id, id)) : state.Products.Exists(p => Crud.SameId(p.Id, id));
        return exists ? null : Problems.NotFound($"no {what} with id '{id}'");
    }

    private static string? Decode(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
