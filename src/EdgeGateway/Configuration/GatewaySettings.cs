using System.Security.Cryptography;
using Backup.Providers;
using Backup.Providers.Configuration;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Validation;
using EdgeGateway.Hosting;

namespace EdgeGateway.Configuration;

/// <summary>Options read once at start and validated; every message names the setting to fix.</summary>
internal sealed record GatewaySettings(
    GatewayOptions Gateway,
    ManagementPlaneOptions ManagementPlane,
    BackupOptions Backup,
    IObjectStore? BackupStore,
    ECDsa? TrustKey)
{
    /// <summary>The <c>Trust:*</c> settings besides the key itself.</summary>
    public TrustOptions Trust { get; init; } = new();

    /// <summary>
    /// The gateway token as read while validating (<c>ManagementPlane:Token</c> or the file <c>ManagementPlane:TokenFile</c> names):
    /// the token source starts from it instead of reading the file again. Internal: a record prints only its public members.
    /// </summary>
    internal string? InitialToken { get; init; }

    /// <summary>
    /// <c>RateLimit:*</c>: where rate-limit and quota counters live (Redis when a connection string is set). Internal, as
    /// <see cref="InitialToken"/>: the connection string may hold a password, so it stays out of what the record prints.
    /// </summary>
    internal Policies.Redis.RateLimitOptions RateLimit { get; init; } = new();

    /// <summary><c>Cache:*</c>: the in-memory cache's size, or Redis for the response cache (internal for the same reason).</summary>
    internal Policies.Redis.CacheOptions Cache { get; init; } = new();

    /// <summary><c>Gateway:Tls:ClientCaPath</c>, loaded at start: the CAs validate-client-certificate trusts besides the system's.</summary>
    internal Policies.ClientCertificates.ClientCertificateTrust ClientCertificates { get; init; } = Policies.ClientCertificates.ClientCertificateTrust.SystemOnly;

    /// <summary><c>Gateway:Tls:ForwardedClientCertificateHeader</c>, checked at start: null when off.</summary>
    internal string? ForwardedClientCertificateHeader { get; init; }

    /// <summary><c>Telemetry:Tracing:*</c> and <c>Telemetry:AccessLog:*</c>, checked at start.</summary>
    public Telemetry.RequestTelemetrySettings RequestTelemetry { get; init; } = Telemetry.RequestTelemetrySettings.Default;

    /// <summary><c>Gateway:TrustedProxies</c>, parsed at start: whose <c>X-Forwarded-For</c> names the client.</summary>
    public Contracts.Net.IpRangeSet TrustedProxies { get; init; } = Contracts.Net.IpRangeSet.Empty;

    /// <summary>Hybrid mode: snapshots come from the management plane.</summary>
    public bool Hybrid => !string.IsNullOrWhiteSpace(ManagementPlane.Url);

    /// <summary>The id backups are stored under; snapshots naming another gateway are refused.</summary>
    public string BackupGatewayId => Gateway.Id ?? EdgeGateway.Backup.BackupNames.DefaultGatewayId;

    public ValidationOptions Validation => new()
    {
        ExpectedGatewayId = Gateway.Id,
        RequireGatewayId = Hybrid,
        AllowPlainKeys = !Hybrid,
    };

    public static GatewaySettings Read(IConfiguration configuration)
    {
        GatewayOptions gateway;
        ManagementPlaneOptions managementPlane;
        BackupOptions backup;
        TrustOptions trust;
        Policies.Redis.RateLimitOptions rateLimit;
        Policies.Redis.CacheOptions cache;
        try
        {
            gateway = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
            managementPlane = configuration.GetSection(ManagementPlaneOptions.Section).Get<ManagementPlaneOptions>() ?? new ManagementPlaneOptions();
            backup = configuration.GetSection(BackupOptions.Section).Get<BackupOptions>() ?? new BackupOptions();
            trust = configuration.GetSection(TrustOptions.Section).Get<TrustOptions>() ?? new TrustOptions();
            rateLimit = configuration.GetSection(Policies.Redis.RateLimitOptions.Section).Get<Policies.Redis.RateLimitOptions>() ?? new();
            cache = configuration.GetSection(Policies.Redis.CacheOptions.Section).Get<Policies.Redis.CacheOptions>() ?? new();
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key and the value it could not convert (durations are like 00:00:30).
            throw new StartupException(ex.Message);
        }

        var errors = new List<string>();
        var hybrid = !string.IsNullOrWhiteSpace(managementPlane.Url);
        string? token = null;

        if (hybrid)
        {
            token = HybridRules(gateway, managementPlane, trust, errors);
        }
        else if (string.IsNullOrWhiteSpace(gateway.ConfigFile))
        {
            errors.Add("no config source: set Gateway:ConfigFile to a snapshot-format JSON file (standalone mode), "
                + "or ManagementPlane:Url, ManagementPlane:Token and Gateway:Id (hybrid mode); "
                + "as environment variables: Gateway__ConfigFile=PATH or ManagementPlane__Url=...");
        }

        if (gateway.H2cPort is < 1 or > 65535)
        {
            errors.Add($"Gateway:H2cPort {gateway.H2cPort} is not a port number (1-65535)");
        }

        if (gateway.JwtKeyRefreshInterval < TimeSpan.FromSeconds(1) || gateway.JwtKeyRefreshInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"Gateway:JwtKeyRefreshInterval {gateway.JwtKeyRefreshInterval} is out of range (00:00:01 to 1.00:00:00)");
        }

        if (!string.IsNullOrWhiteSpace(gateway.EntraAuthorityHost) && EntraAuthorityHostProblem(gateway.EntraAuthorityHost.Trim()) is { } entra)
        {
            errors.Add($"Gateway:EntraAuthorityHost {entra}");
        }

        if (gateway.ShutdownTimeout < TimeSpan.Zero || gateway.ShutdownTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add("Gateway:ShutdownTimeout must be between 00:00:00 and 00:10:00");
        }

        if (gateway.Id is not null && !SnapshotValidator.IsValidId(gateway.Id))
        {
            errors.Add($"Gateway:Id '{gateway.Id}' is not a valid id (letters, digits, '-', '_', '.', up to 80 characters)");
        }

        if (trust.MaxSnapshotAge is { } maxAge && (maxAge <= TimeSpan.Zero || !hybrid))
        {
            errors.Add(maxAge <= TimeSpan.Zero ? $"Trust:MaxSnapshotAge {maxAge} must be positive (leave it unset to turn the check off)"
                : "Trust:MaxSnapshotAge needs hybrid mode (ManagementPlane:Url): it bounds the age of the management plane's last confirmation");
        }

        Policies.Redis.RedisSettings.Validate(rateLimit, cache, errors);

        var clientCertificates = ClientCertificateSettings.Read(gateway.Tls, errors);
        var forwardedCertificateHeader = ClientCertificateSettings.ForwardedHeader(gateway.Tls, errors);
        var trustedProxies = TrustedProxySetting.Parse(gateway.TrustedProxies, configuration[TrustedProxySetting.Key], errors);

        if (backup.Keep is < 1 or > 1000)
        {
            errors.Add("Backup:Keep must be between 1 and 1000");
        }

        ECDsa? key = null;
        if (!string.IsNullOrWhiteSpace(trust.SigningKey) && !SigningKeys.TryImport(trust.SigningKey, out key, out var keyError))
        {
            errors.Add($"Trust:SigningKey {keyError}");
        }

        IObjectStore? store = null;
        try
        {
            store = ObjectStoreFactory.Create(configuration.GetSection(BackupOptions.Section), BackupOptions.Section, ObjectStoreProviders.None, TimeProvider.System);
        }
        catch (ObjectStoreException ex)
        {
            errors.Add(ex.Message);
        }

        if (store is null && !string.IsNullOrEmpty(backup.EncryptionKey))
        {
            errors.Add("Backup:EncryptionKey is set but Backup:Provider is none: set Backup:Provider to disk, blob or s3");
        }

        if (store is null && trust.MaxSnapshotAge is { } bound && bound > TimeSpan.Zero && hybrid)
        {
            // It bounds starts from a backup; without one it would be silently off.
            errors.Add("Trust:MaxSnapshotAge is set but Backup:Provider is none: it bounds a start from a backup, so set Backup:Provider to disk, blob or s3");
        }

        if (errors.Count > 0)
        {
            throw new StartupException(errors);
        }

        return new GatewaySettings(gateway, managementPlane, backup, store, key) { Trust = trust, InitialToken = token, TrustedProxies = trustedProxies,
            RateLimit = rateLimit, Cache = cache, ClientCertificates = clientCertificates, ForwardedClientCertificateHeader = forwardedCertificateHeader,
            RequestTelemetry = Telemetry.RequestTelemetrySettings.Read(configuration) };
    }

    /// <summary>Checks the hybrid-mode settings; returns the token text as read (from the setting or the file).</summary>
    /// <summary>
    /// An authority host is a scheme and host (and port): https, or plain http to a loopback host (a test's OpenID
    /// Connect server; the rule validate-jwt's metadata URLs follow). A path would change where tenants' documents are.
    /// </summary>
    internal static string? EntraAuthorityHostProblem(string value)
    {
        if (Contracts.Policies.JwtMetadataUrl.Check(value) is { } problem)
        {
            return problem;
        }

        var uri = new Uri(value);
        return uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0
            ? $"'{value}' must be only a scheme and host, like https://login.microsoftonline.com (no path, query or user)"
            : null;
    }

    private static string? HybridRules(GatewayOptions gateway, ManagementPlaneOptions mp, TrustOptions trust, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(gateway.ConfigFile))
        {
            errors.Add("both Gateway:ConfigFile and ManagementPlane:Url are set: choose standalone (file) or hybrid (management plane) mode");
        }

        if (!Uri.TryCreate(mp.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"ManagementPlane:Url '{mp.Url}' is not an absolute http(s) URL");
        }

        if (string.IsNullOrWhiteSpace(gateway.Id))
        {
            errors.Add("Gateway:Id is not set: hybrid mode needs the gateway id registered in the management plane (Gateway__Id)");
        }

        var token = mp.Token;
        var tokenSetting = "ManagementPlane:Token";
        if (!string.IsNullOrWhiteSpace(mp.TokenFile))
        {
            tokenSetting = $"ManagementPlane:TokenFile '{mp.TokenFile}'";
            token = Sync.GatewayTokenSource.ReadFile(mp.TokenFile, out var readError);
            if (!string.IsNullOrWhiteSpace(mp.Token))
            {
                errors.Add("both ManagementPlane:Token and ManagementPlane:TokenFile are set: choose one");
            }
            else if (token is null)
            {
                errors.Add($"{tokenSetting} {readError}");
            }
        }
        else if (string.IsNullOrWhiteSpace(mp.Token))
        {
            errors.Add("ManagementPlane:Token is not set: issue one with POST /gateways/{id}/token on the management plane (ManagementPlane__Token), "
                + "or put it in a file named by ManagementPlane:TokenFile");
        }

        if (string.IsNullOrWhiteSpace(trust.SigningKey))
        {
            errors.Add("Trust:SigningKey is not set: hybrid mode only serves snapshots signed by the management plane; "
                + "set it to the PEM text GET /signing-key returns (Trust__SigningKey)");
        }

        if (mp.LongPollWait > TimeSpan.FromSeconds(Contracts.Sync.SyncProtocol.MaxWaitSeconds))
        {
            errors.Add($"ManagementPlane:LongPollWait {mp.LongPollWait} is longer than the management plane holds a poll ({Contracts.Sync.SyncProtocol.MaxWaitSeconds} s)");
        }

        if (!Contracts.Sync.GatewayToken.TryParse(token, out _) && !string.IsNullOrWhiteSpace(token))
        {
            var mistake = Contracts.Sync.GatewayToken.CopyMistake(token) is { } hint ? $": {hint}" : "";
            errors.Add($"{tokenSetting} is not a gateway token ('GatewayKey <gatewayId>&<expiry>&<signature>', as POST /gateways/{{id}}/token returns it){mistake}");
        }

        foreach (var (name, value, min) in new[] { ("PollInterval", mp.PollInterval, 1.0), ("HeartbeatInterval", mp.HeartbeatInterval, 1.0),
            ("StartupTimeout", mp.StartupTimeout, 0.0), ("MaxBackoff", mp.MaxBackoff, 0.1), ("LongPollWait", mp.LongPollWait, 0.0) })
        {
            if (value < TimeSpan.FromSeconds(min) || value > TimeSpan.FromHours(1))
            {
                errors.Add($"ManagementPlane:{name} {value} must be between {TimeSpan.FromSeconds(min)} and 01:00:00");
            }
        }

        if (mp.MaxSnapshotBytes is < 1024 or > int.MaxValue)
        {
            errors.Add($"ManagementPlane:MaxSnapshotBytes {mp.MaxSnapshotBytes} must be between 1024 and {int.MaxValue} (default {ManagementPlaneOptions.DefaultMaxSnapshotBytes})");
        }

        if (mp.CaCertificatePath is { Length: > 0 } ca)
        {
            try
            {
                using var _ = Sync.ManagementPlaneClient.LoadCa(ca);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                errors.Add($"ManagementPlane:CaCertificatePath '{ca}' is not a readable PEM certificate: {ex.Message}");
            }
        }

        return token;
    }
}
