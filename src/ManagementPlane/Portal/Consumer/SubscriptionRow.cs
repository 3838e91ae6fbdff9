using System.Text;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Portal.Web;

namespace ManagementPlane.Portal.Consumer;

/// <summary>One row of "My subscriptions": keys masked and shown in a details element (works without JS), copied with JS.</summary>
internal static class SubscriptionRow
{
    public static string Render(HttpContext context, ConsumerSubscription subscription, string productName)
    {
        var path = Html.Attr(Html.Segment(subscription.Id));
        var active = subscription.State == SubscriptionStates.Active;
        var row = new StringBuilder();
        row.Append($"<tr data-subscription-id=\"{Html.Attr(subscription.Id)}\"><td>{Html.Encode(subscription.Name ?? subscription.Id)}</td>")
            .Append($"<td><a href=\"/portal/products/{Html.Attr(Html.Segment(subscription.ProductId))}\">{Html.Encode(productName)}</a></td>")
            .Append($"<td>{Html.Encode(subscription.State)}</td><td>");
        if (active)
        {
            row.Append(Key("primary", "Primary key", subscription.PrimaryKey)).Append(Key("secondary", "Secondary key", subscription.SecondaryKey));
        }

        row.Append("</td><td>");
        var field = PortalAntiforgery.Field(context);
        if (active)
        {
            row.Append($"<form method=\"post\" action=\"/portal/subscriptions/{path}/regenerate\">{field}{Html.Hidden("which", "primary")}<button type=\"submit\">Regenerate primary key</button></form>")
                .Append($"<form method=\"post\" action=\"/portal/subscriptions/{path}/regenerate\">{field}{Html.Hidden("which", "secondary")}<button type=\"submit\">Regenerate secondary key</button></form>");
        }

        if (subscription.State is SubscriptionStates.Active or SubscriptionStates.Submitted)
        {
            row.Append($"<form method=\"post\" action=\"/portal/subscriptions/{path}/cancel\">{field}<button type=\"submit\">Cancel subscription</button></form>");
        }

        return row.Append("</td></tr>").ToString();
    }

    private static string Key(string which, string label, string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length < 8)
        {
            return $"<p>{label}: not available</p>";
        }

        // Masked by default; the details element shows it without JS, the Copy button (subscriptions.js) copies it.
        return $"""
            <div class="key-line"><span>{label}: <span class="key-masked">{new string('•', 8)}{Html.Encode(key[^4..])}</span></span>
            <details><summary>Show</summary><code class="key" data-key="{which}">{Html.Encode(key)}</code></details>
            <button type="button" data-copy="{which}" hidden>Copy</button></div>
            """;
    }
}
