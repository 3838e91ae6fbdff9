namespace EdgeGateway.Policies.Auth;

/// <summary>
/// Bearer tokens for calls the gateway makes on its own behalf (authentication-managed-identity, on the forwarded
/// request or inside send-request): one per process, shared by every revision, so a new snapshot does not fetch again
/// a token the old one holds. Implementations cache each token until shortly before it expires and refresh it off the
/// request path.
/// </summary>
internal interface IAccessTokenSource
{
    /// <summary>
    /// A token for <paramref name="resource"/> (an audience such as <c>https://storage.azure.com/</c>), from the
    /// user-assigned identity <paramref name="clientId"/> or the system-assigned one when null.
    /// </summary>
    /// <exception cref="AccessTokenException">No token could be had: the message says why, without secrets.</exception>
    ValueTask<AccessToken> GetTokenAsync(string resource, string? clientId, CancellationToken cancellationToken);
}

/// <summary>A bearer token and when it stops being valid.</summary>
internal readonly record struct AccessToken(string Value, DateTimeOffset ExpiresOn);

/// <summary>A token could not be had (no identity endpoint, refused, unreachable): never carries the token or a secret.</summary>
internal sealed class AccessTokenException(string message, Exception? inner = null) : Exception(message, inner);
