using Backup.Providers.Configuration;

namespace Backup.Providers.Blob;

/// <summary>Azure Blob store settings (<c>Backup:Blob:*</c>, <c>Management:Store:Blob:*</c>).</summary>
public sealed class BlobStoreOptions
{
    /// <summary>A storage connection string (account key or SAS). Either this or <see cref="ServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob endpoint, e.g. <c>https://account.blob.core.windows.net</c>, used with DefaultAzureCredential (managed or workload identity).</summary>
    public string? ServiceUri { get; set; }

    /// <summary>The client id of a user-assigned managed identity, when the workload has more than one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    public string? Container { get; set; }

    /// <summary>Create the container on first use when it is missing (needs permission to create containers).</summary>
    public bool CreateContainer { get; set; }

    /// <summary>Timeout of one network attempt (the SDK's NetworkTimeout).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a failed attempt (the SDK's exponential back-off with jitter).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Objects per list request; the service default (5000) when unset.</summary>
    public int? ListPageSize { get; set; }

    internal void Validate(string path, List<string> errors)
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        var hasServiceUri = !string.IsNullOrWhiteSpace(ServiceUri);
        if (hasConnectionString == hasServiceUri)
        {
            errors.Add($"Set exactly one of {path}:ConnectionString or {path}:ServiceUri (managed identity).");
        }

        // Token credentials are only sent over HTTPS (the SDK refuses otherwise).
        if (hasServiceUri && (!Uri.TryCreate(ServiceUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{path}:ServiceUri must be an absolute https URI, e.g. https://account.blob.core.windows.net.");
        }

        if (string.IsNullOrWhiteSpace(Container))
        {
            errors.Add($"{path}:Container is required.");
        }
        else if (!IsValidContainerName(Container))
        {
            errors.Add($"{path}:Container must be 3-63 lowercase letters, digits and single hyphens, starting with a letter or digit.");
        }

        OptionRules.ValidateTransport(path, Timeout, MaxRetries, ListPageSize, errors);
    }

    private static bool IsValidContainerName(string name) =>
        name.Length is >= 3 and <= 63
        && char.IsAsciiLetterOrDigit(name[0])
        && char.IsAsciiLetterOrDigit(name[^1])
        && !name.Contains("--", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
