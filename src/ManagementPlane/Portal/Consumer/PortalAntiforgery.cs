namespace ManagementPlane.Portal.Consumer;

/// <summary>Anti-forgery tokens for every portal POST form.</summary>
internal static class PortalAntiforgery
{
    public const string FieldName = "__portal_af";

    /// <summary>The hidden input to put inside every POST form (already HTML).</summary>
    public static string Field(HttpContext context) => $"<input type=\"hidden\" name=\"{FieldName}\" value=\"\">";
}
