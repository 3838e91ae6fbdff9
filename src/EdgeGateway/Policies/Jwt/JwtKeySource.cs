using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace EdgeGateway.Policies.Jwt;

/// <summary>
/// Where a validate-jwt step's keys come from, as ready-made validation parameters: fixed (inline keys), or those of an
/// OpenID Connect document (cached process-wide). Completes synchronously whenever the keys are at hand.
/// </summary>
internal abstract class JwtKeySource
{
    /// <summary>The parameters to validate with, or null when no keys can be had (the token is refused).</summary>
    public abstract ValueTask<TokenValidationParameters?> GetAsync();

    /// <summary>A token named a key id no key has: keys may have rotated.</summary>
    public virtual void RequestRefresh()
    {
    }
}

/// <summary>Keys written in the policy (<c>issuerSigningKeys</c>): the parameters never change.</summary>
internal sealed class InlineKeySource(TokenValidationParameters parameters) : JwtKeySource
{
    public override ValueTask<TokenValidationParameters?> GetAsync() => new(parameters);
}

/// <summary>A key of the policy is a secret named value the management plane withheld: the policy cannot be evaluated here.</summary>
internal sealed class WithheldKeySource : JwtKeySource
{
    public override ValueTask<TokenValidationParameters?> GetAsync() =>
        throw new InvalidOperationException("a signing key of validate-jwt references a secret named value that was withheld");
}

/// <summary>
/// Keys of an OpenID Connect document (<c>openidConfig.url</c>), with the policy's inline keys if any. The parameters
/// are rebuilt only when the manager hands out a new configuration (a refresh), never per request.
/// </summary>
/// <remarks><paramref name="issuers"/>: the issuers to accept, from the document (validate-azure-ad-token's tenant); null keeps the template's.</remarks>
internal sealed partial class OpenIdKeySource(
    ConfigurationManager<OpenIdConnectConfiguration> manager, TokenValidationParameters template, IReadOnlyList<SecurityKey> inline, PolicyServices services,
    Func<OpenIdConnectConfiguration, string[]>? issuers = null)
    : JwtKeySource
{
    private Built? built;

    public override ValueTask<TokenValidationParameters?> GetAsync()
    {
        var pending = manager.GetConfigurationAsync(CancellationToken.None);
        return pending.IsCompletedSuccessfully ? new(For(pending.Result)) : new(WaitAsync(pending));
    }

    public override void RequestRefresh() => manager.RequestRefresh();

    private async Task<TokenValidationParameters?> WaitAsync(Task<OpenIdConnectConfiguration> pending)
    {
        try
        {
            return For(await pending.WaitAsync(OpenIdKeyCache.FetchTimeout).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
        {
            LogKeysUnavailable(services.Logger, manager.MetadataAddress, ex.GetBaseException().Message);
            return null;
        }
    }

    private TokenValidationParameters For(OpenIdConnectConfiguration configuration)
    {
        var current = built;
        if (current is not null && ReferenceEquals(current.Configuration, configuration))
        {
            return current.Parameters;
        }

        var parameters = template.Clone();
        parameters.IssuerSigningKeys = [.. inline, .. configuration.SigningKeys];
        if (issuers is not null)
        {
            parameters.ValidIssuers = issuers(configuration);
            parameters.ValidateIssuer = true;
        }
        built = new Built(configuration, parameters);
        return parameters;
    }

    [LoggerMessage(120, LogLevel.Warning, "validate-jwt: no signing keys from {MetadataUrl}: {Error}; tokens are refused until they can be fetched")]
    private static partial void LogKeysUnavailable(ILogger logger, string metadataUrl, string error);

    private sealed record Built(OpenIdConnectConfiguration Configuration, TokenValidationParameters Parameters);
}
