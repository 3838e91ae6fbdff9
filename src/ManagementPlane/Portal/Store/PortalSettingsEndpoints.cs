using ManagementPlane.Hosting;

namespace ManagementPlane.Portal.Store;

/// <summary><c>/portal-settings</c>: the portal's title, logo, try-it gateway URL and sign-up mode.</summary>
internal static class PortalSettingsEndpoints
{
    public static RouteGroupBuilder MapPortalSettings(this RouteGroupBuilder admin)
    {
        admin.MapGet("/portal-settings", async (HttpContext c, PortalContentStore content) =>
                Results.Json(await content.GetSettingsAsync(c.RequestAborted), PortalAdminJsonContext.Api.PortalSettings))
            .Produces<PortalSettings>();
        admin.MapPut("/portal-settings", PutAsync).Accepts<PortalSettings>("application/json").Produces<PortalSettings>().ProducesProblem(400)
            .WithDescription("Replaces the portal's settings: 'title' (required), 'logo' (a data: URI of a PNG, SVG or JPEG image in base64, about 100 KiB at most), 'gatewayUrl' (absolute http(s) URL that try-it calls), 'signUp' ('approval' or 'invitation'). An absent field takes its default.");
        return admin;
    }

    private static async Task<IResult> PutAsync(HttpContext context, PortalContentStore content)
    {
        var body = await RequestBody.ReadJsonAsync(context, PortalAdminJsonContext.Api.PortalSettings, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        var errors = PortalSettingsRules.Check(body.Value!);
        if (errors.Count > 0)
        {
            return Problems.BadRequest("the portal settings are not valid; see errors", errors);
        }

        var settings = PortalSettingsRules.Normalize(body.Value!);
        await content.SaveSettingsAsync(settings, context.RequestAborted);
        return Results.Json(settings, PortalAdminJsonContext.Api.PortalSettings);
    }
}
