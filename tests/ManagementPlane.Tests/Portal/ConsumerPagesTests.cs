using System.Net;
using System.Text.RegularExpressions;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ManagementPlane.Tests.Portal;

/// <summary>One in-process plane (fake clock) with a published product, shared by the tests; each test uses its own accounts.</summary>
public sealed class ConsumerPortalFixture : IAsyncLifetime
{
    internal FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    internal TestPlane Plane { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Plane = await TestPlane.StartAsync(services: s => s.AddSingleton<TimeProvider>(Clock));
        await PortalSeed.ProductAsync(Plane);
    }

    public async Task DisposeAsync() => await Plane.DisposeAsync();
}

public sealed partial class ConsumerPagesTests(ConsumerPortalFixture fixture) : IClassFixture<ConsumerPortalFixture>
{
    private const string ForgedText = "The form has expired or was not sent from this site";

    private TestPlane Plane => fixture.Plane;

    [Fact]
    public async Task SignIn_CorrectPassword_RedirectsToSubscriptionsWithAPortalOnlyCookie()
    {
        await PortalSeed.AccountAsync(Plane, "ana@example.com");
        using var client = new PortalClient(Plane);

        var response = await client.SignInAsync("Ana@Example.com", PortalSeed.Password);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/portal/subscriptions", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("portal_session=", StringComparison.Ordinal));
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.Contains("path=/portal", attributes);
        Assert.DoesNotContain("secure", attributes); // plain HTTP here; Secure is set when the request is HTTPS
        var page = await client.PageAsync("/portal/subscriptions");
        Assert.Contains("<h1>My subscriptions</h1>", page);
        Assert.Contains("Sign out", page);
    }

    [Fact]
    public async Task SignIn_OverHttps_MarksTheCookieSecure()
    {
        await PortalSeed.AccountAsync(Plane, "sam@example.com");
        using var client = new PortalClient(Plane, "https://localhost");

        var response = await client.SignInAsync("sam@example.com", PortalSeed.Password);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("portal_session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie.Split(';', StringSplitOptions.TrimEntries).Select(a => a.ToLowerInvariant()));
    }

    [Theory]
    [InlineData("bo@example.com", "wrong password")]
    [InlineData("nobody@example.com", PortalSeed.Password)]
    public async Task SignIn_WrongPasswordOrUnknownEmail_SaysTheSameAndSetsNoSession(string email, string password)
    {
        await PortalSeed.AccountAsync(Plane, "bo@example.com");
        using var client = new PortalClient(Plane);

        var response = await client.SignInAsync(email, password);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Email or password is incorrect", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain("portal_session=", string.Join('\n', response.Headers.TryGetValues("Set-Cookie", out var c) ? c : []));
        Assert.Equal(HttpStatusCode.SeeOther, (await client.GetAsync("/portal/subscriptions")).StatusCode);
    }

    [Fact]
    public async Task SignIn_RepeatedWrongPasswords_IsThrottledWith429UntilTheClockMoves()
    {
        await PortalSeed.AccountAsync(Plane, "cy@example.com");
        using var client = new PortalClient(Plane);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SignInAsync("cy@example.com", "guess " + i)).StatusCode);
        }

        // The right password is not even checked while throttled.
        var throttled = await client.SignInAsync("cy@example.com", PortalSeed.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Contains("Too many sign-in attempts", await throttled.Content.ReadAsStringAsync());
        var retryAfter = int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);

        fixture.Clock.Advance(TimeSpan.FromSeconds(retryAfter));
        Assert.Equal(HttpStatusCode.SeeOther, (await client.SignInAsync("cy@example.com", PortalSeed.Password)).StatusCode);
    }

    [Fact]
    public async Task Posts_WithoutTheAntiforgeryField_AreRefusedAndChangeNothing()
    {
        await PortalSeed.AccountAsync(Plane, "dee@example.com");
        using var client = new PortalClient(Plane);
        await client.SignedInAsync("dee@example.com", PortalSeed.Password);

        var subscribe = await client.PostAsync("/portal/products/gold/subscribe", [], formPage: null);
        Assert.Equal(HttpStatusCode.BadRequest, subscribe.StatusCode);
        Assert.Contains(ForgedText, await subscribe.Content.ReadAsStringAsync());
        Assert.DoesNotContain("data-subscription-id", await client.PageAsync("/portal/subscriptions"));

        var id = await SubscribeAsync(client);
        var before = await client.PageAsync("/portal/subscriptions");
        var forged = new Dictionary<string, string> { ["__portal_af"] = "forged-value", ["which"] = "primary" };
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync($"/portal/subscriptions/{id}/regenerate", forged, formPage: null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync($"/portal/subscriptions/{id}/cancel", [], formPage: null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/portal/signout", [], formPage: null)).StatusCode);
        var after = await client.PageAsync("/portal/subscriptions");
        Assert.Equal(Key(before, id, "primary"), Key(after, id, "primary"));
        Assert.Contains(">active<", Row(after, id));
    }

    [Fact]
    public async Task Subscribe_Regenerate_Cancel_ChangeTheConsumersOwnSubscription()
    {
        await PortalSeed.AccountAsync(Plane, "eve@example.com");
        using var client = new PortalClient(Plane);
        await client.SignedInAsync("eve@example.com", PortalSeed.Password);

        var id = await SubscribeAsync(client, "my app");
        var page = await client.PageAsync("/portal/subscriptions?message=subscribed");
        Assert.Contains("Gold plan", Row(page, id));
        Assert.Contains("my app", Row(page, id));
        var primary = Key(page, id, "primary");
        var secondary = Key(page, id, "secondary");

        var regenerate = await client.PostAsync($"/portal/subscriptions/{id}/regenerate", new() { ["which"] = "primary" }, "/portal/subscriptions");
        Assert.Equal(HttpStatusCode.SeeOther, regenerate.StatusCode);
        page = await client.PageAsync("/portal/subscriptions");
        Assert.NotEqual(primary, Key(page, id, "primary"));
        Assert.Equal(secondary, Key(page, id, "secondary"));

        Assert.Equal(HttpStatusCode.SeeOther, (await client.PostAsync($"/portal/subscriptions/{id}/cancel", [], "/portal/subscriptions")).StatusCode);
        page = await client.PageAsync("/portal/subscriptions");
        Assert.Contains(">cancelled<", Row(page, id));
        Assert.DoesNotContain("<code class=\"key\"", Row(page, id));
        var stored = await Plane.GetJsonAsync($"/subscriptions/{id}");
        Assert.Equal("cancelled", stored["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnotherConsumer_CannotSeeRegenerateOrCancelASubscription()
    {
        await PortalSeed.AccountAsync(Plane, "fay@example.com");
        await PortalSeed.AccountAsync(Plane, "gus@example.com");
        using var owner = new PortalClient(Plane);
        using var other = new PortalClient(Plane);
        await owner.SignedInAsync("fay@example.com", PortalSeed.Password);
        await other.SignedInAsync("gus@example.com", PortalSeed.Password);
        var id = await SubscribeAsync(owner);
        var key = Key(await owner.PageAsync("/portal/subscriptions"), id, "primary");

        var seen = await other.PageAsync("/portal/subscriptions");
        Assert.DoesNotContain(id, seen);
        Assert.DoesNotContain(key, seen);
        var regenerate = await other.PostAsync($"/portal/subscriptions/{id}/regenerate", new() { ["which"] = "primary" }, "/portal/subscriptions");
        Assert.Equal(HttpStatusCode.NotFound, regenerate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/portal/subscriptions/{id}/cancel", [], "/portal/subscriptions")).StatusCode);

        var after = await owner.PageAsync("/portal/subscriptions");
        Assert.Equal(key, Key(after, id, "primary"));
        Assert.Contains(">active<", Row(after, id));
    }

    [Fact]
    public async Task ConsumerSession_GetsNoAdminAccess()
    {
        await PortalSeed.AccountAsync(Plane, "hal@example.com");
        using var client = new PortalClient(Plane);
        await client.SignedInAsync("hal@example.com", PortalSeed.Password);
        var cookie = client.Cookies.GetCookieHeader(new Uri("http://localhost/portal/subscriptions"));
        Assert.Contains("portal_session=", cookie);

        // A browser would not even send it outside /portal (Path=/portal); sent by hand, the admin API still says 401.
        Assert.Empty(client.Cookies.GetCookieHeader(new Uri("http://localhost/subscriptions")));
        foreach (var path in new[] { "/subscriptions", "/apis", "/products" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", cookie);
            await Problem.AssertAsync(await Plane.Anonymous.SendAsync(request), 401);
        }
    }

    [Theory]
    [InlineData("https://evil.example/portal", "/portal/subscriptions")]
    [InlineData("//evil.example/portal", "/portal/subscriptions")]
    [InlineData("/\\evil.example", "/portal/subscriptions")]
    [InlineData("/portal/../apis", "/portal/subscriptions")]
    [InlineData("/portal/products/gold", "/portal/products/gold")]
    public async Task SignIn_ReturnUrl_OnlyALocalPortalPathIsFollowed(string returnUrl, string expected)
    {
        await PortalSeed.AccountAsync(Plane, "ivy@example.com");
        using var client = new PortalClient(Plane);

        var response = await client.SignInAsync("ivy@example.com", PortalSeed.Password, returnUrl);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        await PortalSeed.AccountAsync(Plane, "jo@example.com");
        using var client = new PortalClient(Plane);
        await client.SignedInAsync("jo@example.com", PortalSeed.Password);

        Assert.Equal(HttpStatusCode.SeeOther, (await client.PostAsync("/portal/signout", [], "/portal/subscriptions")).StatusCode);

        var response = await client.GetAsync("/portal/subscriptions");
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.StartsWith("/portal/signin", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task DisabledAccount_SessionEndsAtOnce()
    {
        var account = await PortalSeed.AccountAsync(Plane, "kim@example.com");
        using var client = new PortalClient(Plane);
        await client.SignedInAsync("kim@example.com", PortalSeed.Password);

        await Plane.Host.Services.GetRequiredService<ManagementPlane.Portal.Store.AccountLifecycle>().DisableAsync(account.Id, CancellationToken.None);

        Assert.Equal(HttpStatusCode.SeeOther, (await client.GetAsync("/portal/subscriptions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SignInAsync("kim@example.com", PortalSeed.Password)).StatusCode);
    }

    /// <summary>Subscribes to "gold" and returns the new subscription's id.</summary>
    private static async Task<string> SubscribeAsync(PortalClient client, string? name = null)
    {
        var before = SubscriptionIds(await client.PageAsync("/portal/subscriptions"));
        var fields = name is null ? new Dictionary<string, string>() : new() { ["name"] = name };
        var response = await client.PostAsync("/portal/products/gold/subscribe", fields, "/portal/subscriptions");
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"subscribe: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return Assert.Single(SubscriptionIds(await client.PageAsync("/portal/subscriptions")).Except(before));
    }

    private static IEnumerable<string> SubscriptionIds(string page) => RowId().Matches(page).Select(m => m.Groups[1].Value);

    private static string Row(string page, string id)
    {
        var start = page.IndexOf($"data-subscription-id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no row for {id}");
        return page[start..page.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    private static string Key(string page, string id, string which) =>
        KeyCode().Matches(Row(page, id)).Single(m => m.Groups[1].Value == which).Groups[2].Value;

    [GeneratedRegex("data-subscription-id=\"([^\"]+)\"")]
    private static partial Regex RowId();

    [GeneratedRegex("<code class=\"key\" data-key=\"(primary|secondary)\">([^<]+)</code>")]
    private static partial Regex KeyCode();
}
