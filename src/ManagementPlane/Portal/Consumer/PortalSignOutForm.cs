namespace ManagementPlane.Portal.Consumer;

/// <summary>The nav's sign-out button: a POST form with anti-forgery, so a link on another site cannot sign anyone out.</summary>
internal static class PortalSignOutForm
{
    public static string Render(HttpContext context) => PortalSession.Current(context) is null
        ? ""
        : $"""<form method="post" action="/portal/signout" class="signout">{PortalAntiforgery.Field(context)}<button type="submit">Sign out</button></form>""";
}
