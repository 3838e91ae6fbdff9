namespace ManagementPlane.Portal.Consumer;

/// <summary>
/// For requests under <c>/portal</c>: reads the session cookie and checks it against the account as stored now
/// (active, same security stamp), so a disabled account or a changed password ends its sessions on every instance.
/// A cookie that fails the check is removed. Renews a session past half its life.
/// </summary>
internal sealed class PortalSessionMiddleware(SessionCookie cookies)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments("/portal", StringComparison.OrdinalIgnoreCase)
            && context.Request.Cookies.ContainsKey(SessionCookie.Name))
        {
            await ResolveAsync(context);
        }

        await next(context);
    }

    private async Task ResolveAsync(HttpContext context)
    {
        var ticket = cookies.Read(context);
        var account = ticket is null ? null : await context.RequestServices.GetRequiredService<IPortalAccounts>().GetAsync(ticket.AccountId, context.RequestAborted);
        if (ticket is null || account is null || account.State != AccountStates.Active
            || !PortalCookieKeys.Same(SessionCookie.HashStamp(account.SecurityStamp), ticket.StampHash))
        {
            SessionCookie.Clear(context);
            return;
        }

        if (cookies.NeedsRenewal(ticket))
        {
            ticket = cookies.Issue(context, account, ticket.Nonce);
        }

        PortalSession.Set(context, new PortalSignedIn(account.Id, account.Email, account.DisplayName), ticket);
    }
}
