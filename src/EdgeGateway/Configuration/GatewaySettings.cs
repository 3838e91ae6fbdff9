using System.Security.Cryptography;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Hosting;

namespace EdgeGateway.Configuration;

/// <summary>Options read once at start and validated; every message names the setting to fix.</summary>
internal sealed record GatewaySettings(GatewayOptions Gateway, ECDsa? TrustKey)
{
    public static GatewaySettings Read(IConfiguration configuration)
    {
        var gateway = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        var trust = configuration.GetSection(TrustOptions.Section).Get<TrustOptions>() ?? new TrustOptions();
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(gateway.ConfigFile))
        {
            errors.Add("Gateway:ConfigFile is not set: give the path of a snapshot-format JSON file "
                + "(environment variable Gateway__ConfigFile, or --Gateway:ConfigFile=PATH)");
        }

        if (gateway.H2cPort is < 1 or > 65535)
        {
            errors.Add($"Gateway:H2cPort {gateway.H2cPort} is not a port number (1-65535)");
        }

        if (gateway.ShutdownTimeout < TimeSpan.Zero || gateway.ShutdownTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add("Gateway:ShutdownTimeout must be between 00:00:00 and 00:10:00");
        }

        ECDsa? key = null;
        if (!string.IsNullOrWhiteSpace(trust.SigningKey) && !SigningKeys.TryImport(trust.SigningKey, out key, out var keyError))
        {
            errors.Add($"Trust:SigningKey {keyError}");
        }

        if (errors.Count > 0)
        {
            throw new StartupException(errors);
        }

        return new GatewaySettings(gateway, key);
    }
}
