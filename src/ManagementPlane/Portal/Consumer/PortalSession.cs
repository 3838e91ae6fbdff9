namespace ManagementPlane.Portal.Consumer;

/// <summary>The request's session, resolved once per request by <see cref="PortalSessionMiddleware"/>.</summary>
internal static class PortalSession
{
    private static readonly object SignedInKey = new();
    private static readonly object TicketKey = new();

    /// <summary>The signed-in consumer of this request, or null (anonymous, expired, signed out elsewhere, disabled).</summary>
    public static PortalSignedIn? Current(HttpContext context) => context.Items.TryGetValue(SignedInKey, out var value) ? value as PortalSignedIn : null;

    internal static SessionTicket? Ticket(HttpContext context) => context.Items.TryGetValue(TicketKey, out var value) ? value as SessionTicket : null;

    internal static void Set(HttpContext context, PortalSignedIn? signedIn, SessionTicket? ticket)
    {
        context.Items[SignedInKey] = signedIn;
        context.Items[TicketKey] = ticket;
    }
}
