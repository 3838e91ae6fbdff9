using ManagementPlane.Portal.Web;

namespace ManagementPlane.Tests.Portal;

/// <summary>Descriptions are admin-written Markdown: rendered, but never as HTML or script.</summary>
public sealed class PortalMarkdownTests
{
    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JavaScript:alert(1))")]
    [InlineData("[x]( javascript:alert(1))")]
    [InlineData("[x](vbscript:msgbox(1))")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("[x][r]\n\n[r]: javascript:alert(1)")]
    [InlineData("![x](javascript:alert(1))")]
    public void ToHtml_UnsafeLinkScheme_LeavesTheTextWithoutALink(string markdown)
    {
        var html = PortalMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("<a ", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"data", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"vbscript", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("[x](https://example.org/a)", "<a href=\"https://example.org/a\">x</a>")]
    [InlineData("[x](http://example.org/a)", "<a href=\"http://example.org/a\">x</a>")]
    [InlineData("[x](mailto:api@example.org)", "<a href=\"mailto:api@example.org\">x</a>")]
    [InlineData("[x](/portal/apis/orders)", "<a href=\"/portal/apis/orders\">x</a>")]
    [InlineData("[x](other#part)", "<a href=\"other#part\">x</a>")]
    public void ToHtml_AllowedLink_StaysALink(string markdown, string expected)
    {
        Assert.Contains(expected, PortalMarkdown.ToHtml(markdown));
    }

    [Fact]
    public void ToHtml_RawHtml_IsShownAsText()
    {
        var html = PortalMarkdown.ToHtml("Hello <script>alert(1)</script>\n\n<div onclick=\"x()\">block</div>\n\n<img src=x onerror=alert(1)>");

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<div", html);
        Assert.DoesNotContain("<img", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
    }

    [Fact]
    public void ToHtml_ExternalImage_BecomesALinkSoNothingLoadsFromElsewhere()
    {
        var html = PortalMarkdown.ToHtml("![diagram](https://cdn.example.org/d.png) ![local](/portal/assets/d.png)");

        Assert.DoesNotContain("<img src=\"https://", html);
        Assert.Contains("<a href=\"https://cdn.example.org/d.png\">diagram</a>", html);
        Assert.Contains("<img src=\"/portal/assets/d.png\" alt=\"local\" />", html);
    }

    [Fact]
    public void ToHtml_CommonMarkdown_Renders()
    {
        var html = PortalMarkdown.ToHtml("# Title\n\nSome *emphasis* and `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |");

        Assert.Contains("<h2>Title</h2>", html); // the page has the one <h1>
        Assert.Contains("<em>emphasis</em>", html);
        Assert.Contains("<code>code</code>", html);
        Assert.Contains("<table>", html);
        Assert.Equal("", PortalMarkdown.ToHtml(null));
    }
}
