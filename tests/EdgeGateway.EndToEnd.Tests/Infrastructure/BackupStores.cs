using Backup.Providers.Tests.Emulators;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>The gateway's Backup:* settings, as environment variables, for each real store the tests run.</summary>
public static class BackupStores
{
    public static readonly TheoryData<string> All = new() { "disk", "blob", "s3" };

    public static Dictionary<string, string> Settings(string provider, EmulatorFixture emulators, string scratch) => provider switch
    {
        "disk" => new()
        {
            ["Backup__Provider"] = "disk",
            ["Backup__Disk__Path"] = Path.Combine(scratch, "backups"),
        },
        "blob" => new()
        {
            ["Backup__Provider"] = "blob",
            ["Backup__Blob__ConnectionString"] = EmulatorFixture.BlobConnectionString(emulators.Azurite.Port),
            ["Backup__Blob__Container"] = "gw" + Guid.NewGuid().ToString("N")[..12],
            ["Backup__Blob__CreateContainer"] = "true",
        },
        "s3" => new()
        {
            ["Backup__Provider"] = "s3",
            ["Backup__S3__Bucket"] = EmulatorFixture.S3Bucket,
            ["Backup__S3__Prefix"] = "gw-" + Guid.NewGuid().ToString("N")[..12] + "/",
            ["Backup__S3__ServiceUrl"] = $"http://127.0.0.1:{emulators.S3rver.Port}",
            ["Backup__S3__ForcePathStyle"] = "true",
            ["Backup__S3__Region"] = "us-east-1",
            ["Backup__S3__ConditionalWrites"] = "false", // s3rver ignores conditions (docs/storage.md)
            ["AWS_ACCESS_KEY_ID"] = EmulatorFixture.S3AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = EmulatorFixture.S3AccessKey,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };
}
