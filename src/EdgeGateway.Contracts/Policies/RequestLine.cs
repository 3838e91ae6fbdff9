namespace EdgeGateway.Contracts.Policies;

/// <summary>
/// What set-backend-service and set-method may put into the request line, checked by both planes at load (literal values)
/// and by the gateway per request (expressions), with the same messages.
/// </summary>
public static class RequestLine
{
    /// <summary>Why <paramref name="url"/> cannot be a backend base URL (absolute http(s), a host, no query, fragment or credentials), or null.</summary>
    public static string? BaseUrlError(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host) || url.AsSpan().ContainsAny(" \t\r\n"))
        {
            return "not an absolute http(s) URL";
        }

        return !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo)
            ? "must not carry a query, fragment or credentials"
            : null;
    }

    /// <summary>
    /// Why <paramref name="method"/> cannot be sent as a request method (an RFC 9110 token; not CONNECT, which would turn
    /// the request into a tunnel; not HEAD, whose answer has no body while the client, which did not send HEAD, is told
    /// the body's length and waits for it), or null.
    /// </summary>
    public static string? MethodError(string method)
    {
        if (method.Length == 0 || method.Length > 32
            || !method.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
        {
            return $"'{method}' is not an HTTP method (a token of letters, digits and !#$%&'*+-.^_`|~, up to 32 characters)";
        }

        if (string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase))
        {
            return "HEAD cannot be set: the backend's answer would have no body for a client that asked for one";
        }

        return string.Equals(method, "CONNECT", StringComparison.OrdinalIgnoreCase) ? "CONNECT cannot be set: it would open a tunnel" : null;
    }
}
