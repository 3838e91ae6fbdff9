using System.Text.Encodings.Web;

namespace ManagementPlane.Portal.Web;

/// <summary>
/// HTML-encoding helpers for the server-rendered portal pages. Every piece of text that came from a user, an admin
/// or an imported document goes through <see cref="Encode"/> (element text) or <see cref="Attr"/> (a double-quoted
/// attribute value); URLs built from ids go through <see cref="Segment"/>. Nothing else is written unencoded.
/// </summary>
internal static class Html
{
    // HtmlEncoder.Default encodes every character outside Basic Latin too; that is safe and readable in the browser.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    /// <summary>Text for an element's content: &lt;, &gt;, &amp;, quotes (and non-ASCII) encoded. Null is "".</summary>
    public static string Encode(string? text) => string.IsNullOrEmpty(text) ? "" : Encoder.Encode(text);

    /// <summary>A value for a double-quoted attribute (<c>value="@Attr(x)"</c>). Never use it for an unquoted attribute.</summary>
    public static string Attr(string? value) => Encode(value);

    /// <summary>An id as one URL path segment (<c>/portal/apis/{Segment(id)}</c>), percent-encoded so it cannot leave its segment.</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);

    /// <summary>A query-string value, percent-encoded.</summary>
    public static string Query(string value) => Uri.EscapeDataString(value);

    /// <summary>An error or notice a user must see: an element with <c>role="alert"</c> (screen readers announce it; tests find it).</summary>
    public static string Alert(string message) => $"<p role=\"alert\" class=\"alert\">{Encode(message)}</p>";

    /// <summary>A short success or information notice (<c>role="status"</c>).</summary>
    public static string Notice(string message) => $"<p role=\"status\" class=\"notice\">{Encode(message)}</p>";

    /// <summary>A hidden form field; name and value are encoded.</summary>
    public static string Hidden(string name, string? value) =>
        $"<input type=\"hidden\" name=\"{Attr(name)}\" value=\"{Attr(value)}\">";

    /// <summary>A labelled input (<c>&lt;label for&gt;</c> + <c>&lt;input id&gt;</c>), in one <c>&lt;p class="field"&gt;</c>.</summary>
    /// <param name="id">Element id and, unless <paramref name="name"/> is given, the form field name.</param>
    /// <param name="label">The visible label (what a user and a test look for).</param>
    /// <param name="type">The input type: text, email, password, ...</param>
    /// <param name="value">The value to show again after a failed post (never for passwords).</param>
    /// <param name="name">The field name when it differs from the id.</param>
    /// <param name="required">Whether the browser should insist on a value.</param>
    /// <param name="autocomplete">The autocomplete hint (email, current-password, new-password, ...).</param>
    public static string Field(string id, string label, string type = "text", string? value = null, string? name = null,
        bool required = false, string? autocomplete = null) =>
        $"<p class=\"field\"><label for=\"{Attr(id)}\">{Encode(label)}</label>" +
        $"<input id=\"{Attr(id)}\" name=\"{Attr(name ?? id)}\" type=\"{Attr(type)}\"" +
        (value is null ? "" : $" value=\"{Attr(value)}\"") +
        (required ? " required" : "") +
        (autocomplete is null ? "" : $" autocomplete=\"{Attr(autocomplete)}\"") +
        "></p>";
}
