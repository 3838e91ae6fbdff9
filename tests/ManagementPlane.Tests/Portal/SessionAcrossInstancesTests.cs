using System.Net;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Portal;

/// <summary>Sessions are stateless and keyed from Management:EncryptionKey: any instance on the same store accepts them.</summary>
public sealed class SessionAcrossInstancesTests : TwoPlanes
{
    [Fact]
    public async Task Session_IssuedByOneInstance_IsValidOnAnother_AndItsFormsPostThere()
    {
        await PortalSeed.ProductAsync(First);
        await PortalSeed.AccountAsync(First, "lee@example.com");
        using var first = new PortalClient(First);
        await first.SignedInAsync("lee@example.com", PortalSeed.Password);
        var page = await first.PageAsync("/portal/subscriptions");

        using var second = new PortalClient(Second);
        second.Cookies.Add(first.Cookies.GetAllCookies());
        Assert.Contains("<h1>My subscriptions</h1>", await second.PageAsync("/portal/subscriptions"));

        // A form rendered by the first instance posts to the second.
        var response = await second.PostAsync("/portal/products/gold/subscribe", new() { ["__portal_af"] = PortalClient.Token(page) }, formPage: null);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Contains("data-subscription-id", await first.PageAsync("/portal/subscriptions"));
    }
}
