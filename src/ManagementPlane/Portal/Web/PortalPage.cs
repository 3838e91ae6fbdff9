namespace ManagementPlane.Portal.Web;

/// <summary>One page's content, which <see cref="PortalLayout"/> wraps in the portal's chrome.</summary>
/// <param name="Title">The page's name: the document title ("{Title} - {portal title}") and, unless <see cref="Heading"/> is set, its one <c>&lt;h1&gt;</c>. Plain text; encoded by the layout.</param>
/// <param name="Body">The HTML inside <c>&lt;main&gt;</c> after the <c>&lt;h1&gt;</c>; already encoded (built with <see cref="Html"/>).</param>
internal sealed record PortalPage(string Title, string Body)
{
    /// <summary>The <c>&lt;h1&gt;</c> text when it differs from <see cref="Title"/>. Plain text.</summary>
    public string? Heading { get; init; }

    /// <summary>The HTTP status: 200, or 400/404/422/429 for a page that says what is wrong.</summary>
    public int StatusCode { get; init; } = StatusCodes.Status200OK;

    /// <summary>Scripts to load at the end of the body: paths of embedded assets (<c>/portal/assets/...</c>), never external.</summary>
    public IReadOnlyList<string> Scripts { get; init; } = [];

    /// <summary>Stylesheets beyond the portal's own: paths of embedded assets.</summary>
    public IReadOnlyList<string> Stylesheets { get; init; } = [];

    /// <summary>Whether the page needs inline style attributes (the API reference renderer sets them); everything else runs under a strict policy.</summary>
    public bool AllowInlineStyles { get; init; }
}
