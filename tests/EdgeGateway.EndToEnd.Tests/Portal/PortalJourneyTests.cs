using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EdgeGateway.EndToEnd.Tests.Portal;

/// <summary>
/// Consumers in a real browser (Debian's headless Chromium) against the AOT management plane's portal and an AOT gateway
/// synced from it: sign-up and approval, the catalogue, subscribing, copying the key, try-it through the gateway to a real
/// backend; keys that stay their owner's; cancelled subscriptions and disabled accounts that stop working at the gateway.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalJourneyTests(PortalBrowserHost host, PortalGatewayStack stack) : IClassFixture<PortalGatewayStack>
{
    [Fact]
    public async Task NewConsumer_SignsUpIsApprovedSubscribesCopiesKey_TryItCallsTheBackendThroughTheGateway()
    {
        var page = await host.Browser.NewPageAsync(stack.PortalUrl);
        using var dialogs = new DialogWatch(page);
        // Nothing any page loads comes from anywhere but the portal and the gateway (checked at the end).
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Host is not ("127.0.0.1" or "localhost"))
            {
                lock (elsewhere)
                {
                    elsewhere.Add(request.Url);
                }
            }
        };
        var email = stack.NewEmail("ada");

        // Anyone browses the catalogue: the published product and its API, not the unpublished one.
        Assert.Equal(200, (await page.GotoAsync("/portal"))!.Status);
        var product = page.Locator("article").Filter(new LocatorFilterOptions { Has = page.Locator($"a[href='/portal/products/{PortalStack.ProductId}']") });
        await Expect(product.Locator("h2")).ToHaveTextAsync("Starter");
        await Expect(product).ToContainTextAsync("Everything you need to start");
        await Expect(page.Locator($"a[href='/portal/apis/{PortalStack.ApiId}']").First).ToBeVisibleAsync();
        await Expect(page.Locator("a[href='/portal/products/internal']")).ToHaveCountAsync(0);
        await Expect(page.Locator("body")).Not.ToContainTextAsync("Internal only");
        await Screenshots.SaveAsync(page, "catalogue");
        Assert.Equal(404, (await page.GotoAsync("/portal/products/internal"))!.Status);

        // Sign up; the account waits for an admin and cannot sign in yet.
        await page.GotoAsync("/portal/signup");
        await Screenshots.SaveAsync(page, "signup");
        var signUp = await page.SignUpAsync(email, "Ada Lovelace", PortalStack.Password);
        Assert.Equal(200, signUp.Status);
        await Expect(page.Locator("main")).ToContainTextAsync("waiting for approval");
        await page.SignInAsync(email, PortalStack.Password);
        Assert.DoesNotContain("/portal/subscriptions", page.Url, StringComparison.Ordinal);

        // The admin approves it through the admin API; now sign-in lands on My subscriptions.
        var accountId = await stack.AccountIdAsync(email);
        await stack.SendAsync(HttpMethod.Post, $"/accounts/{accountId}/approve");
        await page.GotoAsync("/portal/signin");
        await Screenshots.SaveAsync(page, "signin");
        var signedIn = await page.SignInAsync(email, PortalStack.Password);
        Assert.Equal(200, signedIn.Status);
        Assert.EndsWith("/portal/subscriptions", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Expect(page.Locator("h1")).ToHaveTextAsync("My subscriptions");
        await Expect(page.GetByRole(AriaRole.Navigation, new PageGetByRoleOptions { Name = "Main" })).ToContainTextAsync("Ada Lovelace");

        // The API page: description, operations, the document and the reference.
        await page.GotoAsync($"/portal/apis/{PortalStack.ApiId}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Orders");
        await Expect(page.Locator("main strong", new PageLocatorOptions { HasText = "your" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Operations" })).ToBeVisibleAsync();
        await Expect(page.Locator($"a[href='/portal/apis/{PortalStack.ApiId}/operations/{PortalStack.OperationId}']")).ToContainTextAsync("GET");
        var download = page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Download OpenAPI document" });
        await Expect(download).ToHaveAttributeAsync("href", $"/portal/apis/{PortalStack.ApiId}/openapi.json");
        await Screenshots.SaveAsync(page, "api");

        // Subscribe from the product page; the key is on My subscriptions, and Copy puts it on the clipboard.
        await page.GotoAsync($"/portal/products/{PortalStack.ProductId}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Starter");
        await Screenshots.SaveAsync(page, "product");
        var subscriptionId = await page.SubscribeAsync(PortalStack.ProductId, "Ada's app");
        var row = page.Row(subscriptionId);
        await Expect(row).ToContainTextAsync("active");
        await Screenshots.SaveAsync(page, "subscriptions");
        var primary = await stack.PrimaryKeyAsync(subscriptionId);
        Assert.DoesNotContain(primary, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal); // masked until asked
        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Copy" }).First.ClickAsync();
        var copied = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        Assert.Equal(primary, copied);
        Assert.Equal(primary, (await row.Locator("code.key[data-key=primary]").TextContentAsync())?.Trim());

        // Try it: the browser calls the gateway (cross-origin, preflighted for the key header) and shows the backend's answer.
        await stack.WaitForLatestRevisionAsync();
        await page.GotoAsync($"/portal/apis/{PortalStack.ApiId}/operations/{PortalStack.OperationId}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Get an order");
        var form = page.Locator("form#try-it");
        await form.GetByLabel("Subscription key", new LocatorGetByLabelOptions { Exact = true }).SelectOptionAsync(copied);
        await form.GetByLabel("id", new LocatorGetByLabelOptions { Exact = true }).FillAsync("42");
        await form.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Send" }).ClickAsync();
        await Expect(page.Locator("#try-it-status")).ToContainTextAsync("200", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await Expect(page.Locator("#try-it-body")).ToContainTextAsync("portal-backend");
        await Expect(page.Locator("#try-it-body")).ToContainTextAsync("/items/42");
        await Expect(page.Locator("#try-it-headers")).ToContainTextAsync("content-type", new LocatorAssertionsToContainTextOptions { IgnoreCase = true });
        Assert.Contains(stack.Backend.Paths, p => p.EndsWith("/items/42", StringComparison.Ordinal));
        await Screenshots.SaveAsync(page, "try-it");

        // The API reference (Scalar, served by the plane) renders the stored document's operations.
        await page.GotoAsync($"/portal/apis/{PortalStack.ApiId}/reference");
        await Expect(page.GetByText("Create an order").First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 60_000 });
        await Screenshots.SaveAsync(page, "reference");
        lock (elsewhere)
        {
            Assert.Empty(elsewhere);
        }

        Assert.Empty(dialogs.Messages);
    }

    [Fact]
    public async Task SecondConsumer_CannotSeeOrManageTheFirstConsumersKey()
    {
        var first = await SignedInAsync("grace");
        var theirs = await first.SubscribeAsync(PortalStack.ProductId);
        var theirKey = await stack.PrimaryKeyAsync(theirs);
        var second = await SignedInAsync("linus");
        await second.SubscribeAsync(PortalStack.ProductId);

        // Not on the second consumer's list, not in their try-it keys, nowhere in their pages.
        var ids = await second.SubscriptionIdsAsync();
        Assert.DoesNotContain(theirs, ids);
        Assert.Single(ids);
        Assert.DoesNotContain(theirKey, await second.ContentAsync(), StringComparison.Ordinal);
        await second.GotoAsync($"/portal/apis/{PortalStack.ApiId}/operations/{PortalStack.OperationId}");
        Assert.DoesNotContain(theirKey, await second.ContentAsync(), StringComparison.Ordinal);

        // Forms for the first consumer's subscription, posted with the second consumer's own session and token: not found.
        await second.GotoAsync("/portal/subscriptions");
        var token = await second.AntiforgeryFieldAsync();
        var cancel = await second.PostFormAsync($"/portal/subscriptions/{theirs}/cancel", new Dictionary<string, string> { [token.Key] = token.Value });
        Assert.Equal(404, cancel.Status);
        await second.GotoAsync("/portal/subscriptions");
        token = await second.AntiforgeryFieldAsync();
        var regenerate = await second.PostFormAsync($"/portal/subscriptions/{theirs}/regenerate",
            new Dictionary<string, string> { [token.Key] = token.Value, ["which"] = "primary" });
        Assert.Equal(404, regenerate.Status);
        Assert.DoesNotContain(theirKey, await second.ContentAsync(), StringComparison.Ordinal);

        // The first consumer's subscription is untouched and its key still works at the gateway.
        Assert.Equal("active", (await stack.SubscriptionAsync(theirs)).GetProperty("state").GetString());
        Assert.Equal(theirKey, await stack.PrimaryKeyAsync(theirs));
        await stack.WaitForLatestRevisionAsync();
        Assert.Equal(HttpStatusCode.OK, await stack.CallWithKeyAsync(theirKey));
    }

    [Fact]
    public async Task CancelledSubscription_StopsWorkingAtTheGatewayOnceItAppliedTheNextRevision()
    {
        var page = await SignedInAsync("edsger");
        var id = await page.SubscribeAsync(PortalStack.ProductId);
        var key = await stack.PrimaryKeyAsync(id);
        await stack.WaitForLatestRevisionAsync();
        Assert.Equal(HttpStatusCode.OK, await stack.CallWithKeyAsync(key));

        var response = await page.RowActionAsync(id, "Cancel subscription");

        Assert.Equal(200, response.Status);
        Assert.Equal("cancelled", (await stack.SubscriptionAsync(id)).GetProperty("state").GetString());
        await stack.WaitForLatestRevisionAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await stack.CallWithKeyAsync(key));

        // Try-it with the old key pasted in (not signed in): the page shows the gateway's 401, not a network error.
        var anonymous = await host.Browser.NewPageAsync(stack.PortalUrl);
        await anonymous.GotoAsync($"/portal/apis/{PortalStack.ApiId}/operations/{PortalStack.OperationId}");
        var form = anonymous.Locator("form#try-it");
        await form.GetByLabel("Subscription key", new LocatorGetByLabelOptions { Exact = true }).FillAsync(key);
        await form.GetByLabel("id", new LocatorGetByLabelOptions { Exact = true }).FillAsync("1");
        await form.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Send" }).ClickAsync();
        await Expect(anonymous.Locator("#try-it-status")).ToContainTextAsync("401", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await Expect(anonymous.Locator("#try-it-body")).ToContainTextAsync("invalid subscription key", new LocatorAssertionsToContainTextOptions { IgnoreCase = true });
    }

    [Fact]
    public async Task DisabledAccount_KeyStopsWorkingAtTheGatewayAndSessionEnds_EnableRestoresIt()
    {
        var email = stack.NewEmail("barbara");
        var accountId = await stack.CreateAccountAsync(email, "Barbara Liskov");
        var page = await host.Browser.NewPageAsync(stack.PortalUrl);
        await page.SignInAsync(email, PortalStack.Password);
        var id = await page.SubscribeAsync(PortalStack.ProductId);
        var key = await stack.PrimaryKeyAsync(id);
        await stack.WaitForLatestRevisionAsync();
        Assert.Equal(HttpStatusCode.OK, await stack.CallWithKeyAsync(key));

        await stack.SendAsync(HttpMethod.Post, $"/accounts/{accountId}/disable");

        await stack.WaitForLatestRevisionAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await stack.CallWithKeyAsync(key));
        await page.GotoAsync("/portal/subscriptions");
        await Expect(page.Locator("h1")).Not.ToHaveTextAsync("My subscriptions");
        await page.SignInAsync(email, PortalStack.Password);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Email or password is incorrect");

        await stack.SendAsync(HttpMethod.Post, $"/accounts/{accountId}/enable");
        await stack.WaitForLatestRevisionAsync();
        Assert.Equal(HttpStatusCode.OK, await stack.CallWithKeyAsync(key));
    }

    private async Task<IPage> SignedInAsync(string who)
    {
        var email = stack.NewEmail(who);
        await stack.CreateAccountAsync(email, who);
        var page = await host.Browser.NewPageAsync(stack.PortalUrl);
        var response = await page.SignInAsync(email, PortalStack.Password);
        Assert.Equal(200, response.Status);
        Assert.EndsWith("/portal/subscriptions", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        return page;
    }
}
