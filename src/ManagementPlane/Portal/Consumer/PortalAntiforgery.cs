
namespace ManagementPlane.Portal.Consumer;

/// <summary>
/// Anti-forgery tokens for every portal POST form. Signed in: a synchronizer token, the HMAC of the session's nonce
/// (a new session, a new token). Anonymous (sign-in, sign-up): a signed double-submit token, the HMAC of a random
/// nonce in the <c>portal_af</c> cookie. Another site can neither read the cookies nor compute the HMAC (the key is
/// derived from the plane's encryption key), so it cannot produce the field; SameSite=Lax is a second fence.
/// </summary>
internal static class PortalAntiforgery
{
    public const string FieldName = "__portal_af";
    public const string CookieName = "portal_af";

    private static readonly object NonceKey = new();

    /// <summary>The hidden input to put inside every POST form (already HTML). May set the anonymous cookie: call before the response starts.</summary>
    public static string Field(HttpContext context) =>
        $"<input type=\"hidden\" name=\"{FieldName}\" value=\"{ManagementPlane.Portal.Web.Html.Attr(Token(context))}\">";

    /// <summary>The token a form of this request carries.</summary>
    public static string Token(HttpContext context)
    {
        var keys = context.RequestServices.GetRequiredService<PortalCookieKeys>();
        if (PortalSession.Ticket(context) is { } ticket)
        {
            return PortalCookieKeys.Mac(keys.Antiforgery, "s|" + ticket.Nonce);
        }

        return PortalCookieKeys.Mac(keys.Antiforgery, "a|" + AnonymousNonce(context));
    }

    /// <summary>True when the posted field matches this request's session or anonymous cookie (constant-time).</summary>
    public static bool IsValid(HttpContext context, string? posted)
    {
        if (string.IsNullOrEmpty(posted))
        {
            return false;
        }

        var keys = context.RequestServices.GetRequiredService<PortalCookieKeys>();
        var valid = false;
        if (PortalSession.Ticket(context) is { } ticket)
        {
            valid |= PortalCookieKeys.Same(PortalCookieKeys.Mac(keys.Antiforgery, "s|" + ticket.Nonce), posted);
        }

        if (context.Request.Cookies[CookieName] is { Length: > 0 and < 64 } nonce)
        {
            valid |= PortalCookieKeys.Same(PortalCookieKeys.Mac(keys.Antiforgery, "a|" + nonce), posted);
        }

        return valid;
    }

    private static string AnonymousNonce(HttpContext context)
    {
        if (context.Items.TryGetValue(NonceKey, out var cached) && cached is string known)
        {
            return known;
        }

        var nonce = context.Request.Cookies[CookieName] is { Length: > 0 and < 64 } existing ? existing : null;
        if (nonce is null)
        {
            nonce = PortalCookieKeys.Nonce();
            context.Response.Cookies.Append(CookieName, nonce, SessionCookie.Options(context, null));
        }

        context.Items[NonceKey] = nonce;
        return nonce;
    }
}
