using System.Text.Encodings.Web;

namespace ManagementPlane.Portal.Consumer;

/// <summary>The subscribe area of a product page (P renders the page, C owns the form and its handler).</summary>
internal static class PortalSubscribeForm
{
    /// <summary>HTML, already encoded: the form for a signed-in consumer, a sign-in link otherwise.</summary>
    public static string Render(HttpContext context, string productId)
    {
        var id = Uri.EscapeDataString(productId);
        if (PortalSession.Current(context) is null)
        {
            var returnUrl = Uri.EscapeDataString($"/portal/products/{id}");
            return $"<p><a href=\"/portal/signin?returnUrl={HtmlEncoder.Default.Encode(returnUrl)}\">Sign in to subscribe</a></p>";
        }

        return $"""
            <form method="post" action="/portal/products/{HtmlEncoder.Default.Encode(id)}/subscribe">
            {PortalAntiforgery.Field(context)}
            <label for="subscription-name">Subscription name</label>
            <input type="text" id="subscription-name" name="name" maxlength="100">
            <button type="submit">Subscribe</button>
            </form>
            """;
    }
}
