using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EdgeGateway.EndToEnd.Tests.Portal;

/// <summary>A plane of its own: the throttle it trips (per account and per address) would slow other classes' sign-ins.</summary>
public sealed class PortalThrottleStack() : PortalStack(withGateway: false);

/// <summary>Guessing passwords in a real browser against the AOT plane's portal is slowed down more with every miss.</summary>
[Collection(PortalCollection.Name)]
public sealed class PortalSignInThrottlingTests(PortalBrowserHost host, PortalThrottleStack stack) : IClassFixture<PortalThrottleStack>
{
    [Fact]
    public async Task RepeatedWrongPasswords_Answered429WithGrowingRetryAfter_EvenTheRightPasswordWaits()
    {
        var email = stack.NewEmail("victim");
        await stack.CreateAccountAsync(email, "Victim");
        var page = await host.Browser.NewPageAsync(stack.PortalUrl);

        // A guesser that keeps going and honours each Retry-After the portal names (the portal, not this test, decides how
        // long): every refusal names a wait, and the waits grow. Stop at a wait so long that the next attempt, sent at once,
        // falls inside it on any machine.
        var waits = new List<int>();
        var misses = 0;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"not slowed down enough within 3 minutes: {misses} misses, waits {string.Join(",", waits)}");
            var response = await page.SignInAsync(email, $"guess-{misses}");
            if (response.Status != 429)
            {
                misses++;
                await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Email or password is incorrect");
                continue;
            }

            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Too many sign-in attempts");
            var retryAfter = await response.HeaderValueAsync("retry-after");
            Assert.True(int.TryParse(retryAfter, out var seconds) && seconds > 0, "Retry-After: " + retryAfter);
            if (waits.Count == 0 || seconds > waits[^1])
            {
                waits.Add(seconds);
            }

            if (seconds >= 16)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(seconds)); // what the portal asked for: the next attempt is heard after it
        }

        Assert.True(waits.Count >= 2, $"the wait did not grow: {string.Join(",", waits)}");
        Assert.True(misses <= 10, $"{misses} wrong passwords were heard before a wait of {waits[^1]} s");

        // Inside the wait the right password does not get in either: a guesser learns nothing from a hit.
        var right = await page.SignInAsync(email, PortalStack.Password);
        Assert.Equal(429, right.Status);
        Assert.DoesNotContain("/portal/subscriptions", page.Url, StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "signin-throttled");
    }
}
