using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EdgeGateway.EndToEnd.Tests.Portal;

/// <summary>Plane and backend whose admin gave the API and product hostile names and descriptions.</summary>
public sealed class PortalHostileStack() : PortalStack(withGateway: false)
{
    public const string HostileProductName = "<script>alert('product')</script>Gold";
    public const string HostileApiName = "<img src=x onerror=alert('api-name')>Orders";

    protected override string ProductName => HostileProductName;

    protected override string ApiName => HostileApiName;

    protected override string ApiDescription =>
        "<script>alert('api')</script> Read [the terms](javascript:alert('link')) and <img src=x onerror=alert('api-img')>.";

    protected override string ProductDescription => "<iframe src=\"javascript:alert('product-description')\"></iframe> For everyone.";
}

/// <summary>
/// Hostile input in a real browser against the AOT plane's portal: script in API descriptions, product names and account
/// names is shown as text and never runs; forms posted without the anti-forgery token are refused and change nothing; a
/// consumer's session opens no admin endpoint.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalHostileInputTests(PortalBrowserHost host, PortalHostileStack stack) : IClassFixture<PortalHostileStack>
{
    private const string HostileAccountName = "<script>alert('account')</script>Mallory";

    [Fact]
    public async Task ScriptInNamesAndDescriptions_ShownAsTextNeverRuns()
    {
        var page = await host.Browser.NewPageAsync(stack.PortalUrl);
        using var dialogs = new DialogWatch(page);

        await page.GotoAsync("/portal");
        await Expect(page.Locator("article h2")).ToContainTextAsync(PortalHostileStack.HostileProductName);
        await Expect(page.Locator("main")).ToContainTextAsync(PortalHostileStack.HostileApiName);

        await page.GotoAsync($"/portal/products/{PortalStack.ProductId}");
        await Expect(page.Locator("h1")).ToHaveTextAsync(PortalHostileStack.HostileProductName);
        await Expect(page.Locator("main iframe")).ToHaveCountAsync(0);

        await page.GotoAsync($"/portal/apis/{PortalStack.ApiId}");
        await Expect(page.Locator("h1")).ToHaveTextAsync(PortalHostileStack.HostileApiName);
        await Expect(page.Locator("main")).ToContainTextAsync("<script>alert('api')</script>");
        await Expect(page.Locator("main img[onerror]")).ToHaveCountAsync(0);
        await Expect(page.Locator("a[href^='javascript:' i]")).ToHaveCountAsync(0);

        // An account name chosen at sign-up, shown back to its owner in the nav and on their pages.
        var email = stack.NewEmail("mallory");
        await page.SignUpAsync(email, HostileAccountName, PortalStack.Password);
        await stack.SendAsync(HttpMethod.Post, $"/accounts/{await stack.AccountIdAsync(email)}/approve");
        await page.SignInAsync(email, PortalStack.Password);
        await Expect(page.GetByRole(AriaRole.Navigation, new PageGetByRoleOptions { Name = "Main" })).ToContainTextAsync(HostileAccountName);
        var id = await page.SubscribeAsync(PortalStack.ProductId, "<b onmouseover=alert('sub')>mine</b>");
        await Expect(page.Row(id)).ToContainTextAsync(PortalHostileStack.HostileProductName);
        await page.Row(id).HoverAsync();
        await page.GotoAsync($"/portal/apis/{PortalStack.ApiId}/operations/{PortalStack.OperationId}");
        await page.GotoAsync("/portal");

        Assert.Empty(dialogs.Messages);
    }

    [Fact]
    public async Task PostWithoutAntiforgeryToken_RefusedWithAPageSayingSo_NothingChanges()
    {
        var email = stack.NewEmail("eve");
        await stack.CreateAccountAsync(email, "Eve");
        var page = await host.Browser.NewPageAsync(stack.PortalUrl);

        // Anonymous: a sign-in posted from elsewhere, with the right password but no token, signs nobody in.
        await page.GotoAsync("/portal/signin");
        var signIn = await page.PostFormAsync("/portal/signin", new Dictionary<string, string> { ["email"] = email, ["password"] = PortalStack.Password });
        Assert.Equal(400, signIn.Status);
        await Expect(page.Locator("main")).ToContainTextAsync("The form has expired or was not sent from this site");
        Assert.Equal(0, (await page.Context.CookiesAsync()).Count(c => c.Path == "/portal" && c.HttpOnly && c.Value.Length > 40 && c.Name.Contains("session", StringComparison.OrdinalIgnoreCase)));

        // Signed in: a subscribe without the token, and with a made-up one, are refused; no subscription appears.
        await page.SignInAsync(email, PortalStack.Password);
        foreach (var fields in new[] { new Dictionary<string, string>(), new Dictionary<string, string> { [(await page.AntiforgeryFieldAsync()).Key] = "forged" } })
        {
            await page.GotoAsync($"/portal/products/{PortalStack.ProductId}");
            var subscribe = await page.PostFormAsync($"/portal/products/{PortalStack.ProductId}/subscribe", fields);
            Assert.Equal(400, subscribe.Status);
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The form has expired or was not sent from this site");
        }

        Assert.Empty(await page.SubscriptionIdsAsync());

        // The same post with the page's own token works: the refusal was the token's doing.
        await page.SubscribeAsync(PortalStack.ProductId);
    }

    [Fact]
    public async Task ConsumerSession_CannotCallAdminEndpoints()
    {
        var email = stack.NewEmail("oscar");
        var accountId = await stack.CreateAccountAsync(email, "Oscar");
        await stack.SendAsync(HttpMethod.Post, $"/accounts/{accountId}/disable");
        var other = stack.NewEmail("olga");
        await stack.CreateAccountAsync(other, "Olga");
        var page = await host.Browser.NewPageAsync(stack.PortalUrl);
        await page.SignInAsync(other, PortalStack.Password);
        var cookies = await page.Context.CookiesAsync();
        Assert.NotEmpty(cookies);
        Assert.All(cookies.Where(c => c.HttpOnly), c => Assert.StartsWith("/portal", c.Path, StringComparison.Ordinal));
        Assert.All(cookies, c => Assert.NotEqual(SameSiteAttribute.None, c.SameSite));

        // The browser itself: its cookie is scoped to /portal, and the admin API wants the admin key anyway.
        foreach (var path in new[] { "/accounts", "/subscriptions", "/config", "/portal-settings" })
        {
            Assert.Equal(401, (await page.GotoAsync(path))!.Status);
        }

        // Even with every portal cookie sent along on purpose, no admin endpoint answers, reading or writing.
        using var client = new HttpClient { BaseAddress = new Uri(stack.PortalUrl) };
        var cookieHeader = string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}"));
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/accounts"), (HttpMethod.Get, "/subscriptions"), (HttpMethod.Get, "/portal-settings"),
            (HttpMethod.Post, $"/accounts/{accountId}/enable"), (HttpMethod.Post, "/invitations") })
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("Cookie", cookieHeader);
            if (method == HttpMethod.Post)
            {
                request.Content = new StringContent("{}", MediaTypeHeaderValue.Parse("application/json"));
            }

            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with the consumer's cookies: {(int)response.StatusCode}");
        }

        var oscar = System.Text.Json.JsonDocument.Parse(await stack.SendAsync(HttpMethod.Get, $"/accounts/{accountId}")).RootElement;
        Assert.Equal("disabled", oscar.GetProperty("state").GetString());
    }
}
