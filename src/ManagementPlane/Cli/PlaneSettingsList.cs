using Backup.Providers.Blob;
using Backup.Providers.Disk;
using Backup.Providers.S3;
using EdgeGateway.Contracts.Cli;
using ManagementPlane.Hosting;

namespace ManagementPlane.Cli;

/// <summary>
/// <c>ManagementPlane settings</c>: every setting the plane reads, from the options types it binds (walked, so a new
/// property is listed by itself), its store section, the host's keys and the environment variables.
/// </summary>
internal static class PlaneSettingsList
{
    private const string Store = ManagementPlaneExtensions.StoreSection;

    public static SettingsList Build()
    {
        var list = new SettingsList()
            .Options<ManagementOptions>(ManagementOptions.Section, Management)
            .Options<HeartbeatOptions>($"{ManagementOptions.Section}:Heartbeats", Heartbeats)
            .Options<DiskStoreOptions>($"{Store}:Disk", StoreSettingMeanings.Disk, new Dictionary<string, string> { ["Path"] = "./data" })
            .Options<BlobStoreOptions>($"{Store}:Blob", StoreSettingMeanings.Blob)
            .Options<S3StoreOptions>($"{Store}:S3", StoreSettingMeanings.S3)
            .Add($"{Store}:Provider", "disk", "where the state is kept: disk, blob or s3")
            .Add("urls", HealthcheckCommand.DefaultUrls, "listeners, ';'-separated: --urls, ASPNETCORE_URLS, DOTNET_URLS or appsettings.json")
            .Add("http_ports", "-", "ports for http://*:PORT when urls is unset: ASPNETCORE_HTTP_PORTS, --http_ports")
            .Add("Logging:LogLevel:*", "Information", "log level per category (Default, Microsoft.AspNetCore: Warning)")
            .Add(StoreSettingMeanings.ApplicationInsights.Key, StoreSettingMeanings.ApplicationInsights.Default, StoreSettingMeanings.ApplicationInsights.Meaning);
        foreach (var variable in StoreSettingMeanings.CloudEnvironment)
        {
            list.Add(variable.Key, variable.Default, variable.Meaning);
        }

        foreach (var setting in TelemetrySettingMeanings.All)
        {
            list.Add(setting.Key, setting.Default, setting.Meaning);
        }

        return list;
    }

    private static readonly Dictionary<string, string> Management = new()
    {
        ["AdminKeys"] = "admin API keys, at least one, 16+ characters (secret)",
        ["SigningKey"] = "ECDSA P-256 private key (PEM) signing snapshots (secret)",
        ["SigningKeyFile"] = "a file holding SigningKey",
        ["EncryptionKey"] = "base64 32-byte AES key for secrets at rest (secret)",
        ["EncryptionKeyFile"] = "a file holding EncryptionKey",
        ["DevelopmentKeys"] = "keep generated keys in the state store (demo only)",
        ["MaxTokenLifetime"] = "longest lifetime of a gateway token",
        ["HeartbeatInterval"] = "the gateways' heartbeat interval (stale after 3 missed)",
        ["StatePollInterval"] = "how often the head record is re-read",
        ["MaxBodyBytes"] = "largest request body",
        ["MaxImportBytes"] = "largest OpenAPI import or config document",
    };

    private static readonly Dictionary<string, string> Heartbeats = new()
    {
        ["ForgetAfter"] = "forget an instance silent this long",
        ["MaxInstancesPerGateway"] = "instances kept per gateway",
    };
}
