namespace Backup.Providers.Configuration;

/// <summary>The values of the <c>Provider</c> setting.</summary>
public static class ObjectStoreProviders
{
    public const string None = "none";
    public const string Disk = "disk";
    public const string Blob = "blob";
    public const string S3 = "s3";
}
