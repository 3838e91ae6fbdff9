using Backup.Providers.Configuration;
using Backup.Providers.Tests.Emulators;
using Microsoft.Extensions.Configuration;

namespace Backup.Providers.Tests;

/// <summary>Builds stores the way the gateway does: from settings under <c>Backup</c>, through <see cref="ObjectStoreFactory"/>.</summary>
internal static class TestStores
{
    public static IConfigurationSection Section(IEnumerable<KeyValuePair<string, string?>> settings, string root = "Backup") =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(root);

    public static IObjectStore Create(params (string Key, string? Value)[] settings) =>
        ObjectStoreFactory.Create(Section(settings.Select(s => KeyValuePair.Create(s.Key, s.Value))), ObjectStoreProviders.None)
        ?? throw new InvalidOperationException("No store configured.");

    public static IObjectStore Disk(string path) =>
        Create(("Backup:Provider", "disk"), ("Backup:Disk:Path", path));

    public static IObjectStore Blob(int port, string container, bool createContainer = true, int? listPageSize = null, string accountKey = EmulatorFixture.AccountKey, int maxRetries = 2, string timeout = "00:00:10") =>
        Create(
            ("Backup:Provider", "blob"),
            ("Backup:Blob:ConnectionString", EmulatorFixture.BlobConnectionString(port, accountKey)),
            ("Backup:Blob:Container", container),
            ("Backup:Blob:CreateContainer", createContainer ? "true" : "false"),
            ("Backup:Blob:ListPageSize", listPageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Backup:Blob:MaxRetries", maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Backup:Blob:Timeout", timeout));

    public static IObjectStore S3(int port, string bucket = EmulatorFixture.S3Bucket, int? listPageSize = null, string accessKey = EmulatorFixture.S3AccessKey, string? prefix = null, bool conditionalWrites = false, int maxRetries = 2, string timeout = "00:00:10") =>
        Create(
            ("Backup:Provider", "s3"),
            ("Backup:S3:Bucket", bucket),
            ("Backup:S3:Region", "us-east-1"),
            ("Backup:S3:ServiceUrl", $"http://127.0.0.1:{port}"),
            ("Backup:S3:ForcePathStyle", "true"),
            ("Backup:S3:Prefix", prefix),
            ("Backup:S3:ConditionalWrites", conditionalWrites ? "true" : "false"),
            ("Backup:S3:AccessKeyId", accessKey),
            ("Backup:S3:SecretAccessKey", EmulatorFixture.S3AccessKey),
            ("Backup:S3:ListPageSize", listPageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Backup:S3:MaxRetries", maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Backup:S3:Timeout", timeout));
}
