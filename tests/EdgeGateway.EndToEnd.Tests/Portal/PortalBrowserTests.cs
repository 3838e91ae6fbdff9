using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.EndToEnd.Tests.Portal;

/// <summary>
/// The browser the portal tests stand on, against a page served by Kestrel in this process: Debian's chromium starts
/// headless (as root), runs script, and the dialog watch the hostile-input tests rely on does see a script that runs.
/// </summary>
public sealed class PortalBrowserTests : IAsyncLifetime
{
    private WebApplication app = null!;
    private PortalBrowser browser = null!;
    private string url = "";

    public async Task InitializeAsync()
    {
        var port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        app = builder.Build();
        app.MapGet("/plain", () => Results.Content("""
            <!doctype html><html lang="en"><head><title>Plain</title></head>
            <body><h1>Hello</h1><p id="escaped">&lt;script&gt;alert(1)&lt;/script&gt;</p>
            <script>document.body.dataset.ran = "yes";</script></body></html>
            """, "text/html"));
        app.MapGet("/hostile", () => Results.Content("""
            <!doctype html><html lang="en"><body><h1>Unsafe</h1><script>alert('xss')</script></body></html>
            """, "text/html"));
        await app.StartAsync();
        url = $"http://127.0.0.1:{port}";
        browser = await PortalBrowser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task LaunchAsync_DebianChromium_RendersPageRunsScriptShowsEscapedTextLiterally()
    {
        var page = await browser.NewPageAsync(url);
        using var dialogs = new DialogWatch(page);

        var response = await page.GotoAsync("/plain");

        Assert.Equal(200, response!.Status);
        Assert.Equal("Hello", await page.Locator("h1").InnerTextAsync());
        Assert.Equal("yes", await page.Locator("body").GetAttributeAsync("data-ran"));
        Assert.Equal("<script>alert(1)</script>", await page.Locator("#escaped").InnerTextAsync());
        Assert.Empty(dialogs.Messages);
        Assert.Contains("HeadlessChrome", await page.EvaluateAsync<string>("navigator.userAgent"));
    }

    [Fact]
    public async Task DialogWatch_ScriptThatRuns_IsSeen()
    {
        var page = await browser.NewPageAsync(url);
        using var dialogs = new DialogWatch(page);

        await page.GotoAsync("/hostile");

        Assert.Equal(["xss"], dialogs.Messages);
    }
}
