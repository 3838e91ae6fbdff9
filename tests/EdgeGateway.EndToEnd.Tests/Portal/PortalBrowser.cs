using Microsoft.Playwright;

namespace EdgeGateway.EndToEnd.Tests.Portal;

/// <summary>
/// Headless Chromium driven by Playwright: Debian's <c>/usr/bin/chromium</c> (scripts/test.sh installs it), never
/// Playwright's own browser download, which is neither wanted nor reachable here. Playwright's driver is the Node.js
/// program shipped inside the NuGet package (copied to bin/.playwright by its build targets), so nothing is fetched at
/// run time. One browser per test class; each consumer gets its own context (its own cookies), as two people would.
/// </summary>
public sealed class PortalBrowser : IAsyncDisposable
{
    /// <summary>Where Debian's package puts the browser; <c>PORTAL_CHROMIUM</c> overrides it.</summary>
    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private readonly IPlaywright playwright;

    private PortalBrowser(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<PortalBrowser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (apt-get install chromium; scripts/test.sh does)");
        }

        // Never let the driver look for (or try to download) a browser of its own.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                // The tests run as root in CI, where Chromium refuses to start with its sandbox (false adds --no-sandbox);
                // the arguments keep it off the network it has no business calling (component updates, first-run pings).
                ChromiumSandbox = false,
                Args = ["--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--disable-dev-shm-usage"],
            });
            return new PortalBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh browser profile (cookies, storage) with a page; <paramref name="baseUrl"/> resolves relative URLs.</summary>
    public async Task<IPage> NewPageAsync(string baseUrl)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 1200, Height = 800 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = baseUrl });
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        playwright.Dispose();
    }
}
