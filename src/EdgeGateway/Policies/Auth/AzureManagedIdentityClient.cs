using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;

namespace EdgeGateway.Policies.Auth;

/// <summary>
/// Tokens through Azure.Identity: <see cref="WorkloadIdentityCredential"/> when the AKS workload identity webhook has set
/// <c>AZURE_FEDERATED_TOKEN_FILE</c> (with <c>AZURE_TENANT_ID</c> and <c>AZURE_CLIENT_ID</c>), else
/// <see cref="ManagedIdentityCredential"/>, which finds the platform's endpoint itself: <c>IDENTITY_ENDPOINT</c> and
/// <c>IDENTITY_HEADER</c> on Container Apps and App Service, IMDS on VMs and scale sets. One credential per client id
/// (null: the system-assigned identity), created on first use. Retries are few and short: a request waits on a first
/// fetch, and the cache retries later fetches in the background.
/// </summary>
internal sealed class AzureManagedIdentityClient : IManagedIdentityClient
{
    /// <summary>How long one fetch may take, retries included.</summary>
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, TokenCredential> credentials = new(StringComparer.Ordinal);

    public async Task<AccessToken> FetchAsync(string resource, string? clientId, CancellationToken cancellationToken)
    {
        var credential = credentials.GetOrAdd(clientId ?? string.Empty, Create);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FetchTimeout);
        try
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext([Scope(resource)]), timeout.Token).ConfigureAwait(false);
            return new AccessToken(token.Token, token.ExpiresOn);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AccessTokenException($"the identity endpoint did not answer within {FetchTimeout.TotalSeconds:0} s");
        }
        catch (AuthenticationFailedException ex)
        {
            // Azure.Identity's messages name the endpoint and its answer's error, never a token.
            throw new AccessTokenException(ex.Message, ex);
        }
    }

    /// <summary>
    /// The scope Azure.Identity wants: the resource plus <c>/.default</c>. ManagedIdentityCredential strips that suffix
    /// again, so the endpoint gets the resource exactly as the policy wrote it; Entra (workload identity) reads
    /// <c>https://storage.azure.com/.default</c> for the resource <c>https://storage.azure.com/</c>.
    /// </summary>
    internal static string Scope(string resource) =>
        WorkloadIdentity && resource.EndsWith('/') ? resource + ".default" : resource + "/.default";

    private static bool WorkloadIdentity => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AZURE_FEDERATED_TOKEN_FILE"));

    private static TokenCredential Create(string clientId)
    {
        var retry = new Action<Azure.Core.RetryOptions>(r =>
        {
            r.MaxRetries = 2;
            r.Delay = TimeSpan.FromMilliseconds(200);
            r.MaxDelay = TimeSpan.FromSeconds(2);
            r.NetworkTimeout = TimeSpan.FromSeconds(5);
        });
        if (WorkloadIdentity)
        {
            var options = new WorkloadIdentityCredentialOptions();
            retry(options.Retry);
            if (clientId.Length > 0)
            {
                options.ClientId = clientId;
            }

            return new WorkloadIdentityCredential(options);
        }

        var managed = new ManagedIdentityCredentialOptions(
            clientId.Length > 0 ? ManagedIdentityId.FromUserAssignedClientId(clientId) : ManagedIdentityId.SystemAssigned);
        retry(managed.Retry);
        return new ManagedIdentityCredential(managed);
    }
}
