namespace EdgeGateway.Policies.Auth;

/// <summary>
/// One fetch of a token from the platform's identity endpoint, without caching: what <see cref="ManagedIdentityTokens"/>
/// caches and refreshes. Apart from the cache so tests drive the cache with a fake clock and a fake endpoint.
/// </summary>
internal interface IManagedIdentityClient
{
    /// <exception cref="AccessTokenException">No token: the message says why, without secrets.</exception>
    Task<AccessToken> FetchAsync(string resource, string? clientId, CancellationToken cancellationToken);
}
