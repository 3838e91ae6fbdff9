using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ManagementPlane.Portal.Consumer;

/// <summary>What a valid session cookie says; the account is still checked (state, security stamp) on every request.</summary>
internal sealed record SessionTicket(string AccountId, string StampHash, string Nonce, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// The consumer's session cookie: <c>v1.{payload}.{mac}</c>, payload = base64url("accountId|stampHash|nonce|issued|expires"),
/// mac = HMAC-SHA256 under <see cref="PortalCookieKeys.Session"/>. Signed, not encrypted: it holds no secret (the stamp
/// only as a hash). Stateless, so it survives restarts and works on every instance; the account's
/// <see cref="PortalAccount.SecurityStamp"/> ends it early (disable, password change).
/// </summary>
internal sealed class SessionCookie(PortalCookieKeys keys, TimeProvider time)
{
    public const string Name = "portal_session";

    /// <summary>Sessions last this long from sign-in (renewed when less than half is left).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private const string Version = "v1";

    public static string HashStamp(string stamp) => UrlBase64.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(stamp)).AsSpan(0, 16));

    /// <summary>A new session; <paramref name="nonce"/> is kept on renewal, so forms rendered before it still post.</summary>
    public SessionTicket Issue(HttpContext context, PortalAccount account, string? nonce = null)
    {
        var now = time.GetUtcNow();
        var ticket = new SessionTicket(account.Id, HashStamp(account.SecurityStamp), nonce ?? PortalCookieKeys.Nonce(), now, now + Lifetime);
        var payload = UrlBase64.Encode(Encoding.UTF8.GetBytes(string.Join('|', ticket.AccountId, ticket.StampHash, ticket.Nonce,
            ticket.IssuedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ticket.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))));
        var value = $"{Version}.{payload}.{PortalCookieKeys.Mac(keys.Session, $"{Version}.{payload}")}";
        context.Response.Cookies.Append(Name, value, Options(context, ticket.ExpiresAt));
        return ticket;
    }

    /// <summary>The ticket when the cookie is present, intact and not expired; null otherwise.</summary>
    public SessionTicket? Read(HttpContext context)
    {
        var value = context.Request.Cookies[Name];
        if (value is null || value.Length > 1024)
        {
            return null;
        }

        var parts = value.Split('.');
        if (parts.Length != 3 || parts[0] != Version || !PortalCookieKeys.Same(PortalCookieKeys.Mac(keys.Session, $"{parts[0]}.{parts[1]}"), parts[2]))
        {
            return null;
        }

        var payload = UrlBase64.Decode(parts[1]);
        var fields = payload is null ? [] : Encoding.UTF8.GetString(payload).Split('|');
        if (fields.Length != 5
            || !long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var issued)
            || !long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return null;
        }

        var ticket = new SessionTicket(fields[0], fields[1], fields[2], DateTimeOffset.FromUnixTimeSeconds(issued), DateTimeOffset.FromUnixTimeSeconds(expires));
        return time.GetUtcNow() < ticket.ExpiresAt ? ticket : null;
    }

    /// <summary>True when less than half of the ticket's life is left: the middleware issues a fresh one.</summary>
    public bool NeedsRenewal(SessionTicket ticket) => ticket.ExpiresAt - time.GetUtcNow() < Lifetime / 2;

    public static void Clear(HttpContext context) => context.Response.Cookies.Delete(Name, Options(context, null));

    /// <summary>
    /// HttpOnly, SameSite=Lax, Path=/portal (never sent to the admin API), Secure on HTTPS, including HTTPS ended at a
    /// proxy that says so in X-Forwarded-Proto (believing it is harmless here: a Secure cookie is at worst not kept).
    /// </summary>
    internal static CookieOptions Options(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        Secure = context.Request.IsHttps
            || string.Equals(context.Request.Headers["X-Forwarded-Proto"].ToString(), "https", StringComparison.OrdinalIgnoreCase),
        SameSite = SameSiteMode.Lax,
        Path = "/portal",
        Expires = expires,
        IsEssential = true,
    };
}
