using System.Globalization;
using ManagementPlane.Portal.Web;
using Microsoft.AspNetCore.Mvc;

namespace ManagementPlane.Portal.Consumer;

/// <summary>GET|POST /portal/signin and POST /portal/signout.</summary>
internal static class SignInPages
{
    public const string IncorrectText = "Email or password is incorrect.";

    public static void MapSignIn(this WebApplication app)
    {
        app.MapGet("/portal/signin", (HttpContext context, string? returnUrl, string? message) =>
            FormAsync(context, returnUrl, null, Messages.Text(message), null, StatusCodes.Status200OK)).ExcludeFromDescription();
        app.MapPost("/portal/signin", SignInAsync).ExcludeFromDescription();
        app.MapPost("/portal/signout", SignOutAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> SignInAsync(HttpContext context, [FromServices] IPortalAccounts accounts, [FromServices] SignInThrottle throttle,
        [FromServices] SessionCookie cookies, ILogger<SessionCookie> logger)
    {
        var form = await ConsumerForms.ReadCheckedAsync(context);
        if (form is null)
        {
            return await ConsumerPage.ForgedAsync(context, logger);
        }

        var email = ConsumerForms.Text(form, "email", 320) ?? "";
        var password = form["password"].ToString();
        var returnUrl = ConsumerForms.SafeReturnUrl(form["returnUrl"]);
        if (email.Length == 0 || password.Length == 0)
        {
            return await FormAsync(context, returnUrl, email, null, "Enter your email and password.", StatusCodes.Status400BadRequest);
        }

        var accountId = accounts.IdFor(email);
        var address = context.Connection.RemoteIpAddress?.ToString();
        if (throttle.RetryAfter(accountId, address) is { } wait)
        {
            // Checked before the password: a throttled guess learns nothing, right or wrong.
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            ConsumerLog.SignInThrottled(logger, accountId, address, seconds);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return await FormAsync(context, returnUrl, email, null, $"Too many sign-in attempts. Try again in {Wait(wait)}.", StatusCodes.Status429TooManyRequests);
        }

        var account = await accounts.CheckPasswordAsync(email, password, context.RequestAborted);
        if (account?.State == AccountStates.Pending)
        {
            // Only after a correct password: a stranger learns nothing about which emails have accounts.
            return await FormAsync(context, returnUrl, email, null, "Your account is waiting for approval by an administrator.", StatusCodes.Status403Forbidden);
        }

        if (account?.State != AccountStates.Active)
        {
            throttle.Failed(accountId, address);
            ConsumerLog.SignInRefused(logger, accountId);
            return await FormAsync(context, returnUrl, email, null, IncorrectText, StatusCodes.Status401Unauthorized);
        }

        throttle.Succeeded(account.Id);
        cookies.Issue(context, account);
        ConsumerLog.SignedIn(logger, account.Id);
        return ConsumerPage.Redirect(returnUrl);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, ILogger<SessionCookie> logger)
    {
        if (await ConsumerForms.ReadCheckedAsync(context) is null)
        {
            return await ConsumerPage.ForgedAsync(context, logger);
        }

        if (PortalSession.Current(context) is { } signedIn)
        {
            ConsumerLog.SignedOut(logger, signedIn.AccountId);
        }

        SessionCookie.Clear(context);
        return ConsumerPage.Redirect("/portal");
    }

    private static string Wait(TimeSpan wait) => wait < TimeSpan.FromMinutes(2)
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(wait.TotalSeconds):0} seconds")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(wait.TotalMinutes):0} minutes");

    private static Task<IResult> FormAsync(HttpContext context, string? returnUrl, string? email, string? notice, string? alert, int code)
    {
        var body = $"""
            {(notice is null ? "" : Html.Notice(notice))}
            {(alert is null ? "" : Html.Alert(alert))}
            <form method="post" action="/portal/signin">
            {PortalAntiforgery.Field(context)}
            {Html.Hidden("returnUrl", ConsumerForms.SafeReturnUrl(returnUrl))}
            {Html.Field("email", "Email", "email", email, required: true, autocomplete: "username")}
            {Html.Field("password", "Password", "password", required: true, autocomplete: "current-password")}
            <p><button type="submit">Sign in</button></p>
            </form>
            <p>No account yet? <a href="/portal/signup">Sign up</a></p>
            """;
        return ConsumerPage.HtmlAsync(context, "Sign in", body, code);
    }
}
