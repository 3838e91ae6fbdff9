using static Microsoft.Playwright.Assertions;

namespace EdgeGateway.EndToEnd.Tests.Portal;

/// <summary>A plane of its own: the throttle it trips (per account and per address) would slow other classes' sign-ins.</summary>
public sealed class PortalThrottleStack() : PortalStack(withGateway: false);

/// <summary>Guessing passwords in a real browser against the AOT plane's portal is slowed down, then stopped for a while.</summary>
[Collection(PortalCollection.Name)]
public sealed class PortalSignInThrottlingTests(PortalBrowserHost host, PortalThrottleStack stack) : IClassFixture<PortalThrottleStack>
{
    [Fact]
    public async Task RepeatedWrongPasswords_Answered429TooManyAttemptsWithRetryAfter_EvenTheRightPasswordWaits()
    {
        var email = stack.NewEmail("victim");
        await stack.CreateAccountAsync(email, "Victim");
        var page = await host.Browser.NewPageAsync(stack.PortalUrl);

        var statuses = new List<int>();
        Microsoft.Playwright.IResponse? throttled = null;
        for (var attempt = 0; attempt < 30 && throttled is null; attempt++)
        {
            var response = await page.SignInAsync(email, $"guess-{attempt}");
            statuses.Add(response.Status);
            if (response.Status == 429)
            {
                throttled = response;
            }
            else
            {
                Assert.Equal(200, response.Status);
                await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Alert)).ToContainTextAsync("Email or password is incorrect");
            }
        }

        Assert.True(throttled is not null, $"never throttled; statuses: {string.Join(",", statuses)}");
        await Expect(page.Locator("main")).ToContainTextAsync("Too many sign-in attempts");
        Assert.True(int.TryParse(await throttled.HeaderValueAsync("retry-after"), out var seconds) && seconds > 0,
            "Retry-After: " + await throttled.HeaderValueAsync("retry-after"));

        // While it lasts, the right password does not get in either: a guesser learns nothing from a hit.
        var right = await page.SignInAsync(email, PortalStack.Password);
        Assert.Equal(429, right.Status);
        Assert.DoesNotContain("/portal/subscriptions", page.Url, StringComparison.Ordinal);
    }
}
