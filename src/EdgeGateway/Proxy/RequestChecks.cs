using System.Buffers;
using EdgeGateway.Errors;

namespace EdgeGateway.Proxy;

/// <summary>
/// What Kestrel lets through but a backend must not get silently altered: header names that are not
/// tokens (the backend client would drop them) and transfer codings the gateway cannot forward (it would
/// send the body still encoded, with the coding's name gone).
/// </summary>
internal static class RequestChecks
{
    // RFC 9110 §5.6.2 tchar.
    public static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>0 when the request may be forwarded; otherwise the status to answer and its message.</summary>
    public static int Check(HttpRequest request, out string? message)
    {
        var headers = request.Headers;
        var transferEncoding = headers.TransferEncoding;
        if (transferEncoding.Count > 0
            && (transferEncoding.Count > 1 || !transferEncoding.ToString().AsSpan().Trim(" \t").Equals("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            // RFC 9112 §6.1: a coding the server does not understand is a 501.
            message = GatewayErrors.UnsupportedTransferCoding;
            return StatusCodes.Status501NotImplemented;
        }

        foreach (var header in headers)
        {
            var name = header.Key;
            if (name.Length == 0 || (name.AsSpan().ContainsAnyExcept(TokenChars) && name[0] != ':'))
            {
                message = GatewayErrors.BadHeaderName;
                return StatusCodes.Status400BadRequest;
            }
        }

        message = null;
        return 0;
    }
}
