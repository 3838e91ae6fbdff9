using System.Globalization;
using EdgeGateway.Hosting;

namespace EdgeGateway.Telemetry;

/// <summary>
/// The request-telemetry settings the gateway reads itself (the exporters' settings are read with the SDK set-up):
/// <c>Telemetry:Tracing:AcceptIncoming</c>, <c>Telemetry:AccessLog:Enabled</c>, <c>Telemetry:AccessLog:SampleRatio</c>.
/// Read by hand, not bound, so that a bad value stops the start with a message naming the setting.
/// </summary>
internal sealed record RequestTelemetrySettings(bool AcceptIncoming, bool AccessLogEnabled, double AccessLogSampleRatio)
{
    public const string AcceptIncomingKey = "Telemetry:Tracing:AcceptIncoming";
    public const string AccessLogEnabledKey = "Telemetry:AccessLog:Enabled";
    public const string SampleRatioKey = "Telemetry:AccessLog:SampleRatio";

    public static readonly RequestTelemetrySettings Default = new(true, false, 1.0);

    /// <summary>The settings, or a <see cref="StartupException"/> naming the first bad one.</summary>
    public static RequestTelemetrySettings Read(IConfiguration configuration) => new(
        Bool(configuration, AcceptIncomingKey, true),
        Bool(configuration, AccessLogEnabledKey, false),
        Ratio(configuration, SampleRatioKey));

    private static bool Bool(IConfiguration configuration, string key, bool fallback)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return bool.TryParse(value.Trim(), out var parsed)
            ? parsed
            : throw new StartupException($"{key}: '{value}' is not true or false");
    }

    private static double Ratio(IConfiguration configuration, string key)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return 1.0;
        }

        return double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 0 and <= 1
            ? parsed
            : throw new StartupException($"{key}: '{value}' is not a number from 0 to 1 (1 logs every request, 0.1 one in ten; 5xx answers are always logged)");
    }
}
