namespace EdgeGateway.Policies.Auth;

/// <summary>Managed-identity log messages: which resource and identity, when the token expires or why none came; never the token.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(1210, LogLevel.Information, "authentication-managed-identity: token for {Resource} ({Identity}) fetched, valid until {ExpiresOn:u}")]
    public static partial void TokenFetched(ILogger logger, string resource, string identity, DateTimeOffset expiresOn);

    [LoggerMessage(1211, LogLevel.Warning, "authentication-managed-identity: no token for {Resource} ({Identity}): {Error}; still serving the cached token: {StillValid}")]
    public static partial void FetchFailed(ILogger logger, string resource, string identity, string error, bool stillValid);
}
