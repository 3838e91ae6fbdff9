using System.Text;

namespace ManagementPlane.Portal.Consumer;

/// <summary>One row of "My subscriptions": keys masked, shown in a details element (works without JS), copy with JS.</summary>
internal static class SubscriptionRow
{
    public static string Render(HttpContext context, ConsumerSubscription subscription)
    {
        var id = ConsumerPage.Encode(subscription.Id);
        var path = ConsumerPage.Encode(Uri.EscapeDataString(subscription.Id));
        var active = subscription.State == "active";
        var row = new StringBuilder();
        row.Append($"<tr data-subscription-id=\"{id}\"><td>{ConsumerPage.Encode(subscription.Name ?? subscription.Id)}</td>");
        row.Append($"<td><a href=\"/portal/products/{ConsumerPage.Encode(Uri.EscapeDataString(subscription.ProductId))}\">{ConsumerPage.Encode(subscription.ProductId)}</a></td>");
        row.Append($"<td>{ConsumerPage.Encode(subscription.State)}</td><td>");
        if (active)
        {
            row.Append(Key("primary", "Primary key", subscription.PrimaryKey)).Append(Key("secondary", "Secondary key", subscription.SecondaryKey));
        }

        row.Append("</td><td>");
        var field = PortalAntiforgery.Field(context);
        if (active)
        {
            row.Append($"<form method=\"post\" action=\"/portal/subscriptions/{path}/regenerate\">{field}<input type=\"hidden\" name=\"which\" value=\"primary\"><button type=\"submit\">Regenerate primary key</button></form>");
            row.Append($"<form method=\"post\" action=\"/portal/subscriptions/{path}/regenerate\">{field}<input type=\"hidden\" name=\"which\" value=\"secondary\"><button type=\"submit\">Regenerate secondary key</button></form>");
        }

        if (subscription.State is "active" or "submitted" or "suspended")
        {
            row.Append($"<form method=\"post\" action=\"/portal/subscriptions/{path}/cancel\">{field}<button type=\"submit\">Cancel subscription</button></form>");
        }

        return row.Append("</td></tr>").ToString();
    }

    private static string Key(string which, string label, string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return $"<p>{label}: not available</p>";
        }

        var masked = "••••••••" + ConsumerPage.Encode(key[^4..]);
        return $"""
            <div><span>{label}: <span class="key-masked">{masked}</span></span>
            <details><summary>Show</summary><code class="key" data-key="{which}">{ConsumerPage.Encode(key)}</code></details>
            <button type="button" data-copy="{which}" hidden>Copy</button></div>
            """;
    }
}
