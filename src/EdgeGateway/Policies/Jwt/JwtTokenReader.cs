using EdgeGateway.Contracts.Policies.Expressions;
using Microsoft.Extensions.Primitives;

namespace EdgeGateway.Policies.Jwt;

/// <summary>
/// Where validate-jwt finds the token: a header (APIM's default: <c>Authorization</c>), a query parameter, or an
/// expression's value. Exactly one place is read: a token elsewhere (in the query when the header is configured) is not
/// seen. A header or parameter given twice is refused rather than guessed between.
/// </summary>
internal sealed class JwtTokenReader(string? headerName, string? queryParameterName, PolicyValue? tokenValue, string? requireScheme)
{
    /// <summary>The longest token read, in characters: real tokens are a few kilobytes; longer is refused before parsing.</summary>
    public const int MaxTokenLength = 16 * 1024;

    public const string DefaultHeader = "Authorization";

    private const string Bearer = "Bearer";

    public JwtFailure? Read(PolicyRun run, out string token)
    {
        token = string.Empty;
        string? raw;
        if (tokenValue is not null)
        {
            raw = tokenValue.Evaluate(run);
        }
        else
        {
            StringValues values = queryParameterName is not null
                ? run.Http.Request.Query[queryParameterName]
                : run.Http.Request.Headers[headerName ?? DefaultHeader];
            if (values.Count > 1)
            {
                return JwtFailure.Invalid;
            }

            raw = values.Count == 1 ? values[0] : null;
        }

        if (string.IsNullOrWhiteSpace(raw))
        {
            return JwtFailure.NotPresent;
        }

        var text = raw.AsSpan().Trim();
        if (requireScheme is not null || (headerName ?? DefaultHeader).Equals(DefaultHeader, StringComparison.OrdinalIgnoreCase) && tokenValue is null && queryParameterName is null)
        {
            // A required scheme must be there; without one, an Authorization header may still carry "Bearer <token>" (APIM reads both).
            var scheme = requireScheme ?? Bearer;
            var hasScheme = text.Length > scheme.Length && text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && text[scheme.Length] == ' ';
            if (hasScheme)
            {
                text = text[(scheme.Length + 1)..].TrimStart();
            }
            else if (requireScheme is not null)
            {
                return JwtFailure.Invalid;
            }
        }

        if (text.Length == 0)
        {
            return JwtFailure.NotPresent;
        }

        if (text.Length > MaxTokenLength)
        {
            return JwtFailure.Invalid;
        }

        token = text.Length == raw.Length ? raw : text.ToString();
        return null;
    }
}
