using ManagementPlane.Portal.Web;
using Microsoft.AspNetCore.Mvc;

namespace ManagementPlane.Portal.Consumer;

/// <summary>GET|POST /portal/signup: self-service with approval, or with an invitation link, per portal setting.</summary>
internal static class SignUpPages
{
    public const string WaitingText = "Thank you. Your account is waiting for approval by an administrator; you can sign in once it is approved.";

    public static void MapSignUp(this WebApplication app)
    {
        app.MapGet("/portal/signup", ShowAsync).ExcludeFromDescription();
        app.MapPost("/portal/signup", SignUpAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> ShowAsync(HttpContext context, [FromServices] IPortalContent content, string? invitation)
    {
        var settings = await content.GetSettingsAsync(context.RequestAborted);
        return await FormAsync(context, settings, Clip(invitation), null, null, null, StatusCodes.Status200OK);
    }

    private static async Task<IResult> SignUpAsync(HttpContext context, [FromServices] IPortalAccounts accounts, [FromServices] IPortalContent content, ILogger<SessionCookie> logger)
    {
        var form = await ConsumerForms.ReadCheckedAsync(context);
        if (form is null)
        {
            return await ConsumerPage.ForgedAsync(context, logger);
        }

        var settings = await content.GetSettingsAsync(context.RequestAborted);
        var email = ConsumerForms.Text(form, "email", 320) ?? "";
        var displayName = ConsumerForms.Text(form, "displayName", 200) ?? "";
        var password = form["password"].ToString();
        var invitation = Clip(form["invitation"]);
        var result = await accounts.SignUpAsync(email, displayName, password, invitation, context.RequestAborted);
        if (result.Account is { } account)
        {
            ConsumerLog.SignedUp(logger, account.Id, result.Outcome);
        }

        return result.Outcome switch
        {
            SignUpOutcome.Active => ConsumerPage.Redirect($"/portal/signin?message={Messages.SignedUp}"),
            SignUpOutcome.Pending or SignUpOutcome.Exists => await ConsumerPage.HtmlAsync(context, "Sign up", Html.Notice(WaitingText)),
            SignUpOutcome.InvitationRequired => await FormAsync(context, settings, invitation, email, displayName,
                "This sign-up needs a valid invitation link: the one given is unknown, used or expired. Ask an administrator for a new one.", StatusCodes.Status400BadRequest),
            _ => await FormAsync(context, settings, invitation, email, displayName, result.Problem ?? "Check the fields and try again.", StatusCodes.Status422UnprocessableEntity),
        };
    }

    private static string? Clip(string? invitation) => string.IsNullOrWhiteSpace(invitation) || invitation.Length > 256 ? null : invitation.Trim();

    private static Task<IResult> FormAsync(HttpContext context, PortalSettings settings, string? invitation, string? email, string? displayName, string? alert, int code)
    {
        var alertHtml = alert is null ? "" : Html.Alert(alert);
        if (invitation is null && settings.SignUp == SignUpModes.Invitation)
        {
            return ConsumerPage.HtmlAsync(context, "Sign up",
                $"{alertHtml}<p>Accounts on this portal are by invitation: open the invitation link an administrator sent you.</p>", code);
        }

        var note = invitation is null
            ? "<p>An administrator approves new accounts before they can sign in.</p>"
            : "<p>You were invited: your account is ready as soon as you sign up.</p>";
        var body = $"""
            {alertHtml}
            {note}
            <form method="post" action="/portal/signup">
            {PortalAntiforgery.Field(context)}
            {(invitation is null ? "" : Html.Hidden("invitation", invitation))}
            {Html.Field("email", "Email", "email", email, required: true, autocomplete: "email")}
            {Html.Field("displayName", "Display name", "text", displayName, required: true, autocomplete: "name")}
            {Html.Field("password", "Password", "password", required: true, autocomplete: "new-password")}
            <p><button type="submit">Sign up</button></p>
            </form>
            <p>Already have an account? <a href="/portal/signin">Sign in</a></p>
            """;
        return ConsumerPage.HtmlAsync(context, "Sign up", body, code);
    }
}
