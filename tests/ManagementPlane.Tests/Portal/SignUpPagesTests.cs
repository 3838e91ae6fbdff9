using System.Net;
using ManagementPlane.Portal;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Portal;

public sealed class SignUpPagesTests : IAsyncLifetime
{
    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Fact]
    public async Task SignUp_ApprovalMode_WaitsForApprovalAndSaysSoOnlyWithTheRightPassword()
    {
        await PortalSeed.SignUpModeAsync(plane, SignUpModes.Approval);
        using var client = new PortalClient(plane);

        var response = await client.PostAsync("/portal/signup",
            new() { ["email"] = "new@example.com", ["displayName"] = "<script>alert(1)</script>", ["password"] = PortalSeed.Password }, "/portal/signup");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("waiting for approval", await response.Content.ReadAsStringAsync());
        var pending = await client.SignInAsync("new@example.com", PortalSeed.Password);
        Assert.Equal(HttpStatusCode.Forbidden, pending.StatusCode);
        Assert.Contains("waiting for approval", await pending.Content.ReadAsStringAsync());
        var wrong = await client.SignInAsync("new@example.com", "not the password");
        Assert.DoesNotContain("waiting for approval", await wrong.Content.ReadAsStringAsync());
        Assert.Contains("Email or password is incorrect", await wrong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignUp_InvitationMode_NeedsTheLinkAndThenSignsIn()
    {
        await PortalSeed.SignUpModeAsync(plane, SignUpModes.Invitation);
        using var client = new PortalClient(plane);
        var token = await PortalSeed.InvitationAsync(plane);

        Assert.DoesNotContain("<form method=\"post\" action=\"/portal/signup\"", await client.PageAsync("/portal/signup"));
        var refused = await client.PostAsync("/portal/signup",
            new() { ["email"] = "x@example.com", ["displayName"] = "X", ["password"] = PortalSeed.Password, ["invitation"] = "made-up" }, "/portal/signin");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("role=\"alert\"", await refused.Content.ReadAsStringAsync());

        var invitedPage = $"/portal/signup?invitation={Uri.EscapeDataString(token)}";
        Assert.Contains("name=\"invitation\"", await client.PageAsync(invitedPage));
        var response = await client.PostAsync("/portal/signup",
            new() { ["email"] = "invited@example.com", ["displayName"] = "Invited", ["password"] = PortalSeed.Password, ["invitation"] = token }, invitedPage);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/portal/signin?message=signed-up", response.Headers.Location!.OriginalString);
        Assert.Contains("Your account is ready", await client.PageAsync("/portal/signin?message=signed-up"));
        await client.SignedInAsync("invited@example.com", PortalSeed.Password);
    }

    [Fact]
    public async Task SignUp_InvalidFields_ShowWhatIsWrongAndKeepWhatWasTyped()
    {
        using var client = new PortalClient(plane);

        var response = await client.PostAsync("/portal/signup",
            new() { ["email"] = "short@example.com", ["displayName"] = "Short \"quoted\"", ["password"] = "short" }, "/portal/signup");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("role=\"alert\"", page);
        Assert.Contains("Password must be at least", page);
        Assert.Contains("value=\"short@example.com\"", page);
        Assert.Contains("Short &quot;quoted&quot;", page);
        Assert.DoesNotContain("value=\"short\"", page);
    }
}
