using Microsoft.Playwright;

// RunAndWaitForNavigationAsync is marked obsolete in favour of WaitForURLAsync, which cannot wait for what these tests
// post most: a form answered on the URL the page already has (an error page, a 429), so it would return at once.
#pragma warning disable CS0612

namespace EdgeGateway.EndToEnd.Tests.Portal;

/// <summary>
/// What a consumer does in the portal, by the labels a person sees (the page contract of issue 15): sign up, sign in,
/// subscribe, read a key. Each method leaves the page where a person would be afterwards.
/// </summary>
public static class PortalPages
{
    public static ILocator Button(this IPage page, string name) =>
        page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = name, Exact = true });

    public static ILocator Field(this IPage page, string label) =>
        page.GetByLabel(label, new PageGetByLabelOptions { Exact = true });

    /// <summary>Clicks and returns the response of the page the click leads to (after redirects).</summary>
    public static async Task<IResponse> SubmitAsync(this IPage page, ILocator button)
    {
        var response = await page.RunAndWaitForNavigationAsync(() => button.ClickAsync());
        Assert.NotNull(response);
        return response;
    }

    public static async Task<IResponse> SignUpAsync(this IPage page, string email, string displayName, string password)
    {
        await page.GotoAsync("/portal/signup");
        await page.Field("Email").FillAsync(email);
        await page.Field("Display name").FillAsync(displayName);
        await page.Field("Password").FillAsync(password);
        return await page.SubmitAsync(page.Button("Sign up"));
    }

    public static async Task<IResponse> SignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("/portal/signin");
        await page.Field("Email").FillAsync(email);
        await page.Field("Password").FillAsync(password);
        return await page.SubmitAsync(page.Button("Sign in"));
    }

    /// <summary>Subscribes to a product from its page; lands on My subscriptions. Returns the new subscription's id.</summary>
    public static async Task<string> SubscribeAsync(this IPage page, string productId, string? name = null)
    {
        var before = await page.SubscriptionIdsAsync();
        await page.GotoAsync($"/portal/products/{productId}");
        if (name is not null)
        {
            await page.Field("Subscription name").FillAsync(name);
        }

        var response = await page.SubmitAsync(page.Button("Subscribe"));
        Assert.Equal(200, response.Status);
        Assert.EndsWith("/portal/subscriptions", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        var after = await SubscriptionIdsAsync(page, navigate: false);
        return Assert.Single(after.Except(before));
    }

    /// <summary>The ids of the rows of My subscriptions.</summary>
    public static async Task<IReadOnlyList<string>> SubscriptionIdsAsync(this IPage page, bool navigate = true)
    {
        if (navigate || !new Uri(page.Url).AbsolutePath.EndsWith("/portal/subscriptions", StringComparison.Ordinal))
        {
            await page.GotoAsync("/portal/subscriptions");
        }

        var rows = page.Locator("tr[data-subscription-id]");
        var ids = new List<string>();
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            ids.Add((await rows.Nth(i).GetAttributeAsync("data-subscription-id"))!);
        }

        return ids;
    }

    /// <summary>A subscription's row on My subscriptions (the page must be open).</summary>
    public static ILocator Row(this IPage page, string subscriptionId) =>
        page.Locator($"tr[data-subscription-id=\"{subscriptionId}\"]");

    /// <summary>Submits one of a row's forms (Cancel subscription, Regenerate primary key, ...).</summary>
    public static async Task<IResponse> RowActionAsync(this IPage page, string subscriptionId, string button)
    {
        await page.GotoAsync("/portal/subscriptions");
        var row = page.Row(subscriptionId);
        var action = row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = button, Exact = true });
        // A destructive action may ask first (confirm()); the consumer says yes.
        void Accept(object? sender, IDialog dialog) => _ = dialog.AcceptAsync();
        page.Dialog += Accept;
        try
        {
            return await page.SubmitAsync(action);
        }
        finally
        {
            page.Dialog -= Accept;
        }
    }

    /// <summary>
    /// Posts a form the page did not offer, from the page itself (same origin, the consumer's own cookies): what a
    /// forged or replayed form does. <paramref name="fields"/> may carry the page's own anti-forgery field, or not.
    /// </summary>
    public static async Task<IResponse> PostFormAsync(this IPage page, string action, IDictionary<string, string> fields)
    {
        return (await page.RunAndWaitForNavigationAsync(() => page.EvaluateAsync("""
            ([action, fields]) => {
              const form = document.createElement('form');
              form.method = 'post';
              form.action = action;
              for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = value;
                form.appendChild(input);
              }
              document.body.appendChild(form);
              form.submit();
            }
            """, new object[] { action, fields })))!;
    }

    /// <summary>The anti-forgery field of the first POST form on the page (the nav's Sign out form when signed in).</summary>
    public static async Task<KeyValuePair<string, string>> AntiforgeryFieldAsync(this IPage page)
    {
        var field = page.Locator("form[method=post] input[type=hidden][name*=af], form[method=post] input[type=hidden][name*=forgery], form[method=post] input[type=hidden][name*=csrf]").First;
        return new((await field.GetAttributeAsync("name"))!, (await field.GetAttributeAsync("value"))!);
    }
}
