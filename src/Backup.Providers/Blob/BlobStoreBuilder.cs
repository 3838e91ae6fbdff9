using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Backup.Providers.Errors;

namespace Backup.Providers.Blob;

/// <summary>Builds the Blob store from validated options; the SDK's retry policy is the only retry layer.</summary>
internal static class BlobStoreBuilder
{
    public static BlobObjectStore Build(BlobStoreOptions options, string path)
    {
        var name = $"blob (container '{options.Container}')";
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential; // Azure.Core adds jitter to each delay.
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(500);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(8);
        clientOptions.Retry.NetworkTimeout = options.Timeout;

        BlobServiceClient service;
        StoreDescriptor descriptor;
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var setting = $"{path}:ConnectionString";
            descriptor = Describe(name, options, path, setting, $"Check the account name and key (or SAS) in {setting}.");
            try
            {
                service = new BlobServiceClient(options.ConnectionString, clientOptions);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
            {
                // The message would echo parts of the secret, so it is not included.
                throw StoreErrors.Configuration(name, setting, $"{setting} is not a valid Azure Storage connection string.");
            }
        }
        else
        {
            var setting = $"{path}:ServiceUri";
            descriptor = Describe(name, options, path, setting,
                $"Check that the identity DefaultAzureCredential uses (managed identity, workload identity, {path}:ManagedIdentityClientId or AZURE_CLIENT_ID) has the 'Storage Blob Data Contributor' role on the account in {setting}.");
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
            });
            service = new BlobServiceClient(new Uri(options.ServiceUri!), credential, clientOptions);
        }

        return new BlobObjectStore(service.GetBlobContainerClient(options.Container), options.CreateContainer, options.ListPageSize, descriptor);
    }

    private static StoreDescriptor Describe(string name, BlobStoreOptions options, string path, string credentialSetting, string credentialHint) => new(
        name,
        $"{path}:Container",
        $"Create container '{options.Container}' or set {path}:CreateContainer=true.",
        credentialSetting,
        credentialHint);
}
