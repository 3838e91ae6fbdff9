using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EdgeGateway.EndToEnd.Tests.Portal;

/// <summary>
/// Pictures of the portal's main pages, taken where a scenario shows them: always into artifacts/portal-screenshots
/// (CI keeps them), and into docs/images (the copies docs/portal.md shows) when UPDATE_PORTAL_SCREENSHOTS=1.
/// </summary>
public static class Screenshots
{
    private static readonly bool UpdateDocs = Environment.GetEnvironmentVariable("UPDATE_PORTAL_SCREENSHOTS") == "1";

    public static async Task SaveAsync(IPage page, string name)
    {
        var file = $"portal-{name}.png";
        var artifacts = Path.Combine(GatewayBinary.RepoRoot, "artifacts", "portal-screenshots");
        Directory.CreateDirectory(artifacts);
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Path = Path.Combine(artifacts, file) });
        if (UpdateDocs)
        {
            var docs = Path.Combine(GatewayBinary.RepoRoot, "docs", "images");
            Directory.CreateDirectory(docs);
            await File.WriteAllBytesAsync(Path.Combine(docs, file), bytes);
        }
    }
}
