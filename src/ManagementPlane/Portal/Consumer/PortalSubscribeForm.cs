using ManagementPlane.Portal.Web;

namespace ManagementPlane.Portal.Consumer;

/// <summary>The subscribe area of a product page (P renders the page, C owns the form and its handler).</summary>
internal static class PortalSubscribeForm
{
    /// <summary>HTML, already encoded: the form for a signed-in consumer, a sign-in link that comes back here otherwise.</summary>
    public static string Render(HttpContext context, string productId)
    {
        var path = $"/portal/products/{Html.Segment(productId)}";
        if (PortalSession.Current(context) is null)
        {
            return $"<p><a href=\"/portal/signin?returnUrl={Html.Attr(Html.Query(path))}\">Sign in to subscribe</a></p>";
        }

        return $"""
            <form method="post" action="{Html.Attr(path)}/subscribe">
            {PortalAntiforgery.Field(context)}
            {Html.Field("subscription-name", "Subscription name", name: "name")}
            <p><button type="submit">Subscribe</button></p>
            </form>
            """;
    }
}
