using Microsoft.IdentityModel.Tokens;

namespace EdgeGateway.Policies.Jwt;

/// <summary>Why a token was refused, as APIM's <c>context.LastError</c> names it (Reason) and says it (Message).</summary>
internal sealed record JwtFailure(string Reason, string Message)
{
    public static readonly JwtFailure NotPresent = new("TokenNotPresent", "JWT not present.");

    /// <summary>Malformed, too long, given twice, or under another scheme than required: APIM's "other validation failures".</summary>
    public static readonly JwtFailure Invalid = new("JwtInvalid", "Invalid JWT.");

    public static readonly JwtFailure Expired = new("TokenExpired", "Lifetime validation failed. The token is expired. Access denied.");

    public static readonly JwtFailure NotYetValid = new("JwtInvalid", "Lifetime validation failed. The token is not yet valid. Access denied.");

    public static readonly JwtFailure NoExpiration = new("JwtInvalid", "Lifetime validation failed. The token has no expiration time. Access denied.");

    public static readonly JwtFailure KeyNotFound = new("TokenSignatureKeyNotFound", "Signature validation failed. No signing key matches the token. Access denied.");

    /// <summary>The OpenID Connect document or its keys could not be fetched: the token cannot be checked, so it is refused.</summary>
    public static readonly JwtFailure KeysUnavailable = new("TokenSignatureKeyNotFound", "Signature validation failed. The signing keys are not available. Access denied.");

    public static readonly JwtFailure SignatureInvalid = new("TokenSignatureInvalid", "Signature validation failed. Access denied.");

    public static readonly JwtFailure AudienceNotAllowed = new("TokenAudienceNotAllowed", "Audience validation failed. Access denied.");

    public static readonly JwtFailure IssuerNotAllowed = new("TokenIssuerNotAllowed", "Issuer validation failed. Access denied.");

    /// <summary>
    /// The library's exception, mapped to APIM's reasons. Its message is not passed on: it can quote the token's
    /// contents, and clients get a fixed text per reason.
    /// </summary>
    public static JwtFailure From(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => Expired,
        SecurityTokenNotYetValidException => NotYetValid,
        SecurityTokenNoExpirationException => NoExpiration,
        SecurityTokenInvalidAudienceException => AudienceNotAllowed,
        SecurityTokenInvalidIssuerException => IssuerNotAllowed,
        SecurityTokenSignatureKeyNotFoundException => KeyNotFound,
        SecurityTokenInvalidSignatureException or SecurityTokenInvalidAlgorithmException => SignatureInvalid,
        _ => Invalid,
    };
}
