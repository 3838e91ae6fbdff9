using Microsoft.AspNetCore.Mvc;
using System.Text;

namespace ManagementPlane.Portal.Consumer;

/// <summary>
/// GET /portal/subscriptions and its forms (regenerate, cancel), and POST /portal/products/{id}/subscribe.
/// Every change goes through <see cref="IConsumerSubscriptions"/> with the signed-in account's id, which checks
/// ownership: another consumer's subscription is "not found", exactly like one that does not exist.
/// </summary>
internal static class SubscriptionPages
{
    public const string NotFoundText = "There is no such subscription among yours.";

    public static void MapSubscriptionPages(this WebApplication app)
    {
        app.MapGet("/portal/subscriptions", ListAsync).ExcludeFromDescription();
        app.MapGet("/portal/subscriptions.js", () => Results.Text(SubscriptionsScript.Text, "text/javascript; charset=utf-8")).ExcludeFromDescription();
        app.MapPost("/portal/subscriptions/{id}/regenerate", RegenerateAsync).ExcludeFromDescription();
        app.MapPost("/portal/subscriptions/{id}/cancel", CancelAsync).ExcludeFromDescription();
        app.MapPost("/portal/products/{id}/subscribe", SubscribeAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> ListAsync(HttpContext context, [FromServices] IConsumerSubscriptions subscriptions, [FromServices] IPortalContent content, string? message)
    {
        if (PortalSession.Current(context) is not { } signedIn)
        {
            return SignIn("/portal/subscriptions");
        }

        var list = await subscriptions.ListAsync(signedIn.AccountId, context.RequestAborted);
        var body = new StringBuilder();
        body.Append("<h1>My subscriptions</h1>");
        if (Messages.Text(message) is { } note)
        {
            body.Append(ConsumerPage.Status(note));
        }

        if (list.Count == 0)
        {
            body.Append("<p>You have no subscriptions yet. Pick a product in the <a href=\"/portal\">catalogue</a> and subscribe.</p>");
            return ConsumerPage.Html(context, "My subscriptions", body.ToString());
        }

        body.Append("<table><thead><tr><th scope=\"col\">Subscription</th><th scope=\"col\">Product</th><th scope=\"col\">State</th><th scope=\"col\">Keys</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
        foreach (var subscription in list)
        {
            body.Append(SubscriptionRow.Render(context, subscription));
        }

        body.Append("</tbody></table><script src=\"/portal/subscriptions.js\" defer></script>");
        return ConsumerPage.Html(context, "My subscriptions", body.ToString());
    }

    private static async Task<IResult> RegenerateAsync(HttpContext context, string id, [FromServices] IConsumerSubscriptions subscriptions, ILogger<SessionCookie> logger)
    {
        var (refused, form, signedIn) = await CheckedAsync(context, logger, "/portal/subscriptions");
        if (refused is not null)
        {
            return refused;
        }

        var which = form["which"].ToString();
        if (which is not ("primary" or "secondary"))
        {
            return ConsumerPage.Html(context, "Bad request", $"<h1>Bad request</h1>{ConsumerPage.Alert("Choose the primary or the secondary key to regenerate.")}", StatusCodes.Status400BadRequest);
        }

        var change = await subscriptions.RegenerateAsync(signedIn.AccountId, id, which, context.RequestAborted);
        if (change == SubscriptionChange.Done)
        {
            ConsumerLog.Regenerated(logger, signedIn.AccountId, id, which);
            return ConsumerPage.Redirect($"/portal/subscriptions?message={Messages.Regenerated}");
        }

        ConsumerLog.ChangeRefused(logger, signedIn.AccountId, "regenerate", id, change);
        return Refused(context, change, "Only an active subscription's keys can be regenerated.");
    }

    private static async Task<IResult> CancelAsync(HttpContext context, string id, [FromServices] IConsumerSubscriptions subscriptions, ILogger<SessionCookie> logger)
    {
        var (refused, _, signedIn) = await CheckedAsync(context, logger, "/portal/subscriptions");
        if (refused is not null)
        {
            return refused;
        }

        var change = await subscriptions.CancelAsync(signedIn.AccountId, id, context.RequestAborted);
        if (change == SubscriptionChange.Done)
        {
            ConsumerLog.Cancelled(logger, signedIn.AccountId, id);
            return ConsumerPage.Redirect($"/portal/subscriptions?message={Messages.Cancelled}");
        }

        ConsumerLog.ChangeRefused(logger, signedIn.AccountId, "cancel", id, change);
        return Refused(context, change, "This subscription cannot be cancelled in its current state.");
    }

    private static async Task<IResult> SubscribeAsync(HttpContext context, string id, [FromServices] IConsumerSubscriptions subscriptions, ILogger<SessionCookie> logger)
    {
        var (refused, form, signedIn) = await CheckedAsync(context, logger, $"/portal/products/{Uri.EscapeDataString(id)}");
        if (refused is not null)
        {
            return refused;
        }

        var name = ConsumerForms.Text(form, "name", 100);
        var (change, subscription) = await subscriptions.SubscribeAsync(signedIn.AccountId, id, name, context.RequestAborted);
        if (change == SubscriptionChange.Done && subscription is not null)
        {
            ConsumerLog.Subscribed(logger, signedIn.AccountId, id, subscription.Id, subscription.State);
            var message = subscription.State == "active" ? Messages.Subscribed : Messages.SubmittedForApproval;
            return ConsumerPage.Redirect($"/portal/subscriptions?message={message}");
        }

        return change == SubscriptionChange.NotFound
            ? ConsumerPage.Html(context, "Not found", $"<h1>Not found</h1>{ConsumerPage.Alert("There is no such product in the catalogue.")}", StatusCodes.Status404NotFound)
            : ConsumerPage.Html(context, "Cannot subscribe", $"<h1>Cannot subscribe</h1>{ConsumerPage.Alert("This product does not take new subscriptions from the portal.")}", StatusCodes.Status409Conflict);
    }

    /// <summary>A refusal (forged form, or not signed in: sign in first, then back to <paramref name="returnUrl"/>), or the form and the consumer.</summary>
    private static async Task<(IResult? Refused, IFormCollection Form, PortalSignedIn SignedIn)> CheckedAsync(HttpContext context, ILogger logger, string returnUrl)
    {
        var form = await ConsumerForms.ReadCheckedAsync(context);
        if (form is null)
        {
            return (ConsumerPage.Forged(context, logger), FormCollection.Empty, null!);
        }

        return PortalSession.Current(context) is { } signedIn ? (null, form, signedIn) : (SignIn(returnUrl), form, null!);
    }

    private static IResult SignIn(string returnUrl) => ConsumerPage.Redirect($"/portal/signin?returnUrl={Uri.EscapeDataString(returnUrl)}");

    private static IResult Refused(HttpContext context, SubscriptionChange change, string notAllowed) => change switch
    {
        SubscriptionChange.NotFound => ConsumerPage.Html(context, "Not found", $"<h1>Not found</h1>{ConsumerPage.Alert(NotFoundText)}", StatusCodes.Status404NotFound),
        _ => ConsumerPage.Html(context, "Not allowed", $"<h1>Not allowed</h1>{ConsumerPage.Alert(notAllowed)}", StatusCodes.Status409Conflict),
    };
}
