using System.Text;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Portal.Web;
using ManagementPlane.State;
using Microsoft.AspNetCore.Mvc;

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
        app.MapPost("/portal/subscriptions/{id}/regenerate", RegenerateAsync).ExcludeFromDescription();
        app.MapPost("/portal/subscriptions/{id}/cancel", CancelAsync).ExcludeFromDescription();
        app.MapPost("/portal/products/{id}/subscribe", SubscribeAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> ListAsync(HttpContext context, [FromServices] IConsumerSubscriptions subscriptions, [FromServices] StateStore store, string? message)
    {
        if (PortalSession.Current(context) is not { } signedIn)
        {
            return SignIn("/portal/subscriptions");
        }

        var list = await subscriptions.ListAsync(signedIn.AccountId, context.RequestAborted);
        var body = new StringBuilder();
        if (Messages.Text(message) is { } note)
        {
            body.Append(Html.Notice(note));
        }

        if (list.Count == 0)
        {
            body.Append("<p>You have no subscriptions yet. Pick a product in the <a href=\"/portal\">catalogue</a> and subscribe.</p>");
            return await ConsumerPage.HtmlAsync(context, "My subscriptions", body.ToString());
        }

        var products = store.Current.State.Products;
        body.Append("<table><thead><tr><th scope=\"col\">Subscription</th><th scope=\"col\">Product</th><th scope=\"col\">State</th>")
            .Append("<th scope=\"col\">Keys</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
        foreach (var subscription in list)
        {
            var productName = products.Find(p => string.Equals(p.Id, subscription.ProductId, StringComparison.OrdinalIgnoreCase))?.Name;
            body.Append(SubscriptionRow.Render(context, subscription, productName ?? subscription.ProductId));
        }

        body.Append("</tbody></table>");
        return await ConsumerPage.HtmlAsync(context, "My subscriptions", body.ToString(), StatusCodes.Status200OK, PortalAssets.Url("subscriptions.js"));
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
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status400BadRequest, "Bad request", "Choose the primary or the secondary key to regenerate.");
        }

        var change = await subscriptions.RegenerateAsync(signedIn.AccountId, id, which, context.RequestAborted);
        if (change == SubscriptionChange.Done)
        {
            ConsumerLog.Regenerated(logger, signedIn.AccountId, id, which);
            return ConsumerPage.Redirect($"/portal/subscriptions?message={Messages.Regenerated}");
        }

        ConsumerLog.ChangeRefused(logger, signedIn.AccountId, "regenerate", id, change);
        return await RefusedAsync(context, change, "Only an active subscription's keys can be regenerated.");
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
        return await RefusedAsync(context, change, "This subscription cannot be cancelled in its current state.");
    }

    private static async Task<IResult> SubscribeAsync(HttpContext context, string id, [FromServices] IConsumerSubscriptions subscriptions, ILogger<SessionCookie> logger)
    {
        var (refused, form, signedIn) = await CheckedAsync(context, logger, $"/portal/products/{Html.Segment(id)}");
        if (refused is not null)
        {
            return refused;
        }

        var (change, subscription) = await subscriptions.SubscribeAsync(signedIn.AccountId, id, ConsumerForms.Text(form, "name", 1000), context.RequestAborted);
        if (change == SubscriptionChange.Done && subscription is not null)
        {
            ConsumerLog.Subscribed(logger, signedIn.AccountId, id, subscription.Id, subscription.State);
            var message = subscription.State == SubscriptionStates.Active ? Messages.Subscribed : Messages.SubmittedForApproval;
            return ConsumerPage.Redirect($"/portal/subscriptions?message={message}");
        }

        return change switch
        {
            SubscriptionChange.NotFound => await PortalLayout.NotFoundAsync(context),
            SubscriptionChange.Invalid => await PortalLayout.ErrorAsync(context, StatusCodes.Status422UnprocessableEntity, "Cannot subscribe",
                "The subscription name must be at most 100 characters, without control characters."),
            _ => await PortalLayout.ErrorAsync(context, StatusCodes.Status409Conflict, "Cannot subscribe", "Your account cannot subscribe right now."),
        };
    }

    /// <summary>A refusal (forged form, or not signed in: sign in first, then back to <paramref name="returnUrl"/>), or the form and the consumer.</summary>
    private static async Task<(IResult? Refused, IFormCollection Form, PortalSignedIn SignedIn)> CheckedAsync(HttpContext context, ILogger logger, string returnUrl)
    {
        var form = await ConsumerForms.ReadCheckedAsync(context);
        if (form is null)
        {
            return (await ConsumerPage.ForgedAsync(context, logger), FormCollection.Empty, null!);
        }

        return PortalSession.Current(context) is { } signedIn ? (null, form, signedIn) : (SignIn(returnUrl), form, null!);
    }

    private static IResult SignIn(string returnUrl) => ConsumerPage.Redirect($"/portal/signin?returnUrl={Html.Query(returnUrl)}");

    private static Task<IResult> RefusedAsync(HttpContext context, SubscriptionChange change, string notAllowed) => change switch
    {
        SubscriptionChange.NotFound => PortalLayout.ErrorAsync(context, StatusCodes.Status404NotFound, "Not found", NotFoundText),
        _ => PortalLayout.ErrorAsync(context, StatusCodes.Status409Conflict, "Not allowed", notAllowed),
    };
}
