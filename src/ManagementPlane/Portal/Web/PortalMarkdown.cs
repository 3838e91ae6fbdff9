using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace ManagementPlane.Portal.Web;

/// <summary>
/// Descriptions are Markdown written by admins (or imported): rendered with raw HTML disabled (a &lt;script&gt; is shown
/// as text), and links kept only when their URL is relative or http, https or mailto, so <c>javascript:</c> or
/// <c>data:</c> links become plain text. Images only from the plane itself (relative URLs): an external image would be
/// a network call the portal promises not to make; others become links.
/// </summary>
internal static class PortalMarkdown
{
    private static readonly string[] AllowedSchemes = ["http", "https", "mailto"];

    // Built on first use, not at start-up. No "advanced" extensions: generic attributes ({onclick=...}) must stay off.
    private static readonly Lazy<MarkdownPipeline> Pipeline = new(() => new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseAutoLinks()
        .Build());

    /// <summary>Safe HTML for <paramref name="markdown"/>; "" for none.</summary>
    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return "";
        }

        var pipeline = Pipeline.Value;
        var document = Markdig.Markdown.Parse(markdown, pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (!IsAllowedUrl(link.Url))
            {
                Unlink(link);
            }
            else if (link.IsImage && !IsRelative(link.Url))
            {
                link.IsImage = false;
            }
        }

        foreach (var link in document.Descendants<AutolinkInline>().ToList())
        {
            if (!link.IsEmail && !IsAllowedUrl(link.Url))
            {
                link.ReplaceBy(new LiteralInline(link.Url));
            }
        }

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    /// <summary>Relative, or an absolute URL with an allowed scheme. Browsers ignore tabs, newlines and leading spaces in a scheme, so this does too.</summary>
    internal static bool IsAllowedUrl(string? url)
    {
        if (url is null)
        {
            return true;
        }

        var scheme = SchemeOf(url);
        return scheme is null || AllowedSchemes.Contains(scheme, StringComparer.OrdinalIgnoreCase);
    }

    private static bool IsRelative(string? url) =>
        url is null || (SchemeOf(url) is null && !Squeeze(url).StartsWith("//", StringComparison.Ordinal));

    /// <summary>The scheme before the first ':' that comes before any '/', '?' or '#'; null when relative.</summary>
    private static string? SchemeOf(string url)
    {
        var squeezed = Squeeze(url);
        var colon = squeezed.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        var end = squeezed.IndexOfAny(['/', '?', '#']);
        return end >= 0 && end < colon ? null : squeezed[..colon];
    }

    private static string Squeeze(string url) => string.Concat(url.Where(c => c > ' ' && c != '\u007f'));

    /// <summary>Replaces a link by its text (an image by its alt text), keeping what the reader should see.</summary>
    private static void Unlink(LinkInline link)
    {
        var parent = link.Parent;
        if (parent is null)
        {
            return;
        }

        var children = link.ToList();
        Inline anchor = link;
        foreach (var child in children)
        {
            child.Remove();
            anchor.InsertAfter(child);
            anchor = child;
        }

        link.Remove();
    }
}
