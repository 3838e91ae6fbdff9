namespace EdgeGateway.Contracts.Policies;

/// <summary>
/// An origin as a browser sends it in <c>Origin</c>: <c>scheme://host[:port]</c>, lower-case, default port left out.
/// A configured origin is brought to that form once, at load, so a request compares one string to a set.
/// </summary>
public static class CorsOrigins
{
    public const string Any = "*";

    /// <summary>The origin's browser form, or null when the text is not an origin (a path, query, user info, or not absolute).</summary>
    public static string? Normalize(string text)
    {
        var trimmed = text.Trim();
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc || string.IsNullOrEmpty(uri.Host)
            || uri.UserInfo.Length > 0 || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || trimmed.Contains('?') || trimmed.Contains('#'))
        {
            return null;
        }

        return uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped).ToLowerInvariant();
    }
}
