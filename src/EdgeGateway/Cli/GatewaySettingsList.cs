using Backup.Providers.Blob;
using Backup.Providers.Disk;
using Backup.Providers.S3;
using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Cli;
using EdgeGateway.Policies.Redis;

namespace EdgeGateway.Cli;

/// <summary>
/// <c>EdgeGateway settings</c>: every setting the gateway reads, from the options types <see cref="GatewaySettings.Read"/>
/// binds (walked, so a new property is listed by itself), the keys read directly and the environment variables.
/// The listeners are listed as the environment variables they are read from (GatewayHostBuilder takes them before the
/// host sees them): a <c>urls</c> or <c>http_ports</c> key in appsettings.json, <c>--http_ports</c> or a plain
/// <c>URLS</c> variable is not read, so none is listed.
/// </summary>
internal static class GatewaySettingsList
{
    public static SettingsList Build()
    {
        var list = new SettingsList()
            .Options<GatewayOptions>(GatewayOptions.Section, Gateway, new Dictionary<string, string>
            {
                ["EntraAuthorityHost"] = GatewayOptions.DefaultEntraAuthorityHost.ToString().TrimEnd('/'),
            })
            .Options<TlsOptions>($"{GatewayOptions.Section}:Tls", Tls, new Dictionary<string, string> { ["ClientCertificates"] = "auto" })
            .Options<TrustOptions>(TrustOptions.Section, Trust)
            .Options<ManagementPlaneOptions>(ManagementPlaneOptions.Section, ManagementPlane)
            .Options<BackupOptions>(BackupOptions.Section, Backup)
            .Options<DiskStoreOptions>($"{BackupOptions.Section}:Disk", StoreSettingMeanings.Disk)
            .Options<BlobStoreOptions>($"{BackupOptions.Section}:Blob", StoreSettingMeanings.Blob)
            .Options<S3StoreOptions>($"{BackupOptions.Section}:S3", StoreSettingMeanings.S3)
            .Options<RateLimitOptions>(RateLimitOptions.Section, Empty)
            .Options<RateLimitRedisOptions>($"{RateLimitOptions.Section}:Redis", RateLimitRedis)
            .Options<CacheOptions>(CacheOptions.Section, Cache, new Dictionary<string, string>
            {
                ["MaxSize"] = Policies.Caching.MemoryResponseCache.DefaultMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            .Options<CacheRedisOptions>($"{CacheOptions.Section}:Redis", CacheRedis)
            .Add($"{BackupOptions.Section}:Provider", "none", "where backups go: none, disk, blob or s3")
            .Add(TrustedProxySetting.Key, "-", "the same list as one comma-separated value")
            .Add("ASPNETCORE_URLS", Hosting.GatewayHostBuilder.DefaultUrls, "listeners, ';'-separated; --urls on the command line wins (no urls key elsewhere)")
            .Add("DOTNET_URLS", "-", "as ASPNETCORE_URLS, read when that is unset")
            .Add("ASPNETCORE_HTTP_PORTS", "-", "ports for http://*:PORT when no urls is given (HTTPS_PORTS: not read, use urls)")
            .Add("DOTNET_HTTP_PORTS", "-", "as ASPNETCORE_HTTP_PORTS, read when that is unset")
            .Add(Telemetry.RequestTelemetrySettings.AcceptIncomingKey, "true", "honour a client's traceparent; false: every request starts a new trace")
            .Add(Telemetry.RequestTelemetrySettings.AccessLogEnabledKey, "false", "one JSON line per request on stdout (APIM GatewayLogs fields)")
            .Add(Telemetry.RequestTelemetrySettings.SampleRatioKey, "1.0", "share of requests the access log writes, 0 to 1; 5xx always")
            .Add("Logging:LogLevel:Default", "Information", "log level: Trace, Debug, Information, Warning, Error, Critical, None")
            .Add("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1", "0 turns off inline socket completions (docs/performance.md)")
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

    private static readonly Dictionary<string, string> Empty = [];

    private static readonly Dictionary<string, string> Gateway = new()
    {
        ["Id"] = "the gateway's id (hybrid mode: required); names its backups",
        ["Region"] = "what context.Deployment.Region reads",
        ["ConfigFile"] = "standalone mode: the config file (watched)",
        ["H2cPort"] = "extra port for cleartext HTTP/2 (gRPC without TLS)",
        ["AdminUrls"] = "listener for the full status JSON, ';'-separated",
        ["JwtKeyRefreshInterval"] = "validate-jwt: least time between key refreshes for unknown kids",
        ["TrustedProxies"] = "addresses/CIDR ranges whose X-Forwarded-For is believed",
        ["EntraAuthorityHost"] = "validate-azure-ad-token: the Entra ID authority",
        ["ShutdownTimeout"] = "on SIGTERM, how long in-flight requests may finish",
        ["InlineScheduling"] = "requests run on the socket thread that read them (no thread-pool hop); true by default",
    };

    private static readonly Dictionary<string, string> Tls = new()
    {
        ["CertificatePath"] = "certificate for https:// listeners (PEM or PKCS#12)",
        ["KeyPath"] = "PEM private key of the certificate",
        ["Password"] = "password of a PKCS#12 file (secret)",
        ["ClientCaPath"] = "PEM bundle of CAs client certificates must chain to",
        ["ClientCertificates"] = "ask clients for a certificate: auto, always, never",
        ["ForwardedClientCertificateHeader"] = "header a TLS-ending proxy forwards the client certificate in",
    };

    private static readonly Dictionary<string, string> Trust = new()
    {
        ["SigningKey"] = "public key (PEM): only configs signed by it are served",
        ["MaxSnapshotAge"] = "hybrid: refuse a start from a backup confirmed longer ago",
    };

    private static readonly Dictionary<string, string> ManagementPlane = new()
    {
        ["Url"] = "hybrid mode: the management plane's root URL",
        ["Token"] = "hybrid: the gateway token (secret)",
        ["TokenFile"] = "hybrid: a file holding the gateway token",
        ["PollInterval"] = "hybrid: time between polls",
        ["HeartbeatInterval"] = "hybrid: time between heartbeats",
        ["StartupTimeout"] = "hybrid: how long a start waits for a first snapshot",
        ["MaxBackoff"] = "hybrid: longest wait between retries",
        ["LongPollWait"] = "hybrid: how long a poll may be held open",
        ["CaCertificatePath"] = "hybrid: PEM CA certificate the plane's TLS chains to",
        ["MaxSnapshotBytes"] = "hybrid: largest snapshot accepted",
    };

    private static readonly Dictionary<string, string> Backup = new()
    {
        ["EncryptionKey"] = "encrypts backups at rest: 32 bytes base64 or a passphrase (secret)",
        ["AllowPlaintextSecrets"] = "back up snapshots with secrets even without EncryptionKey",
        ["Keep"] = "backups kept per gateway",
        ["ReadTimeout"] = "how long a start waits for the backup store",
    };

    private static readonly Dictionary<string, string> RateLimitRedis = new()
    {
        ["ConnectionString"] = "Redis for rate-limit and quota counters (secret)",
        ["FailureMode"] = "while Redis is down: open (count locally) or closed (503)",
    };

    private static readonly Dictionary<string, string> Cache = new()
    {
        ["MaxSize"] = "bytes the in-memory response cache may hold",
    };

    private static readonly Dictionary<string, string> CacheRedis = new()
    {
        ["ConnectionString"] = "Redis for the response cache and cache-*-value (secret)",
    };
}
