using ManagementPlane.Hosting;
using Microsoft.Extensions.Options;

namespace ManagementPlane.Import.ApiOps;

/// <summary>
/// <c>POST /import/apiops[?dryRun=true]</c>: a zip of an APIOps extractor folder, imported as one change (or planned,
/// with <c>dryRun</c>). 200 with the report when applied or dry-run; 422 with the report when an artifact was refused
/// or the result is invalid (nothing applied); 413 when the zip or what it expands to is too large; 400 when it is not
/// a zip, or an entry is a link or points outside the folder.
/// </summary>
internal static class ApiOpsEndpoints
{
    /// <summary>What the zip may expand to, as a multiple of <c>Management:MaxImportBytes</c>.</summary>
    public const int ExpansionFactor = 4;

    public static RouteGroupBuilder MapApiOpsImport(this RouteGroupBuilder admin)
    {
        admin.MapPost("/import/apiops", ImportAsync).Accepts<string>("application/zip")
            .Produces<MigrationReport>().Produces<MigrationReport>(422).ProducesProblem(400).ProducesProblem(413)
            .WithDescription("Imports a zip of an APIOps extractor folder (apis, products, namedValues, policyFragments, gateways, backends, policy.xml) as one all-or-nothing change; its artifacts are added or replace those with the same id. dryRun=true: report only. Values for Key Vault named values: .edgegateway/named-values.json in the zip ({\"name\": \"value\"}).");
        return admin;
    }

    private static async Task<IResult> ImportAsync(HttpContext context, ApiOpsImporter importer, IOptions<ManagementOptions> options, bool? dryRun)
    {
        var limit = options.Value.MaxImportBytes;
        var bytes = await RequestBody.ReadBytesAsync(context, limit, context.RequestAborted);
        if (bytes.Error is not null)
        {
            return bytes.Error;
        }

        if (bytes.Value!.Length == 0)
        {
            return Problems.BadRequest("the request body is empty; send a zip of the APIOps extractor folder (application/zip)");
        }

        var (folder, error) = ApiOpsFolder.FromZip(bytes.Value, limit * ExpansionFactor);
        if (error is not null)
        {
            return error.TooLarge
                ? Problems.Create(StatusCodes.Status413PayloadTooLarge, "Content Too Large", error.Message + " (Management:MaxImportBytes × " + ExpansionFactor + ")")
                : Problems.BadRequest(error.Message);
        }

        IReadOnlyDictionary<string, string> supplied = new Dictionary<string, string>();
        if (folder!.Read(ApiOpsFolder.SuppliedValuesPath) is { } values)
        {
            var (read, valuesError) = ApiOpsJson.Values(values);
            if (valuesError is not null)
            {
                return Problems.BadRequest($"{ApiOpsFolder.SuppliedValuesPath}: {valuesError}");
            }

            supplied = read!;
        }

        var plan = ApiOpsPlanner.Plan(folder, supplied, limit);
        var (report, stateError) = await importer.ImportAsync(plan, dryRun ?? false, context.RequestAborted);
        if (stateError is not null)
        {
            return Problems.For(stateError);
        }

        if (report!.Applied)
        {
            context.Response.Headers.ETag = $"\"{report.Revision}\"";
        }

        return Results.Json(report, ApiJsonContext.Api.MigrationReport, statusCode: report.Applied || report.DryRun ? 200 : 422);
    }
}
