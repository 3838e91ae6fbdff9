namespace ManagementPlane.Portal.Consumer;

/// <summary>The request's session, resolved once per request by the portal session middleware.</summary>
internal static class PortalSession
{
    internal static readonly object ItemKey = new();

    /// <summary>The signed-in consumer of this request, or null (anonymous, expired, signed out elsewhere, disabled).</summary>
    public static PortalSignedIn? Current(HttpContext context) => context.Items.TryGetValue(ItemKey, out var value) ? value as PortalSignedIn : null;
}
