namespace EdgeGateway.Policies.Auth;

/// <summary>Placeholder until the managed-identity source lands: every request for a token fails with a clear message.</summary>
internal sealed class NoAccessTokens : IAccessTokenSource
{
    public static readonly NoAccessTokens Instance = new();

    public ValueTask<AccessToken> GetTokenAsync(string resource, string? clientId, CancellationToken cancellationToken) =>
        throw new AccessTokenException("no managed identity source is configured in this process");
}
