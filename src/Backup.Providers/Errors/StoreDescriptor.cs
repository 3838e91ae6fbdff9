namespace Backup.Providers.Errors;

/// <summary>
/// What error messages need to know about a store: its name and the settings an operator would fix.
/// </summary>
/// <param name="Name">Shown as <see cref="IObjectStore.Name"/>, e.g. <c>s3 (bucket 'backups')</c>.</param>
/// <param name="LocationSetting">The full setting naming the bucket, container or folder, e.g. <c>Backup:S3:Bucket</c>.</param>
/// <param name="LocationHint">What to do when that location is missing.</param>
/// <param name="CredentialSetting">The full setting that carries or selects the credentials, if any.</param>
/// <param name="CredentialHint">What to check about credentials when they are rejected.</param>
internal sealed record StoreDescriptor(string Name, string LocationSetting, string LocationHint, string? CredentialSetting, string CredentialHint);
