using System.Globalization;
using OpenTelemetry.Trace;

namespace EdgeGateway.Telemetry.Export;

/// <summary>
/// The sampler OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG name (the spec's values; default parentbased_always_on),
/// built by us because the Azure Monitor exporter replaces the provider's sampler with its own and so would otherwise
/// decide for every exporter. An unknown value falls back to the default, as the spec says (ignore and warn: the SDK warns).
/// </summary>
internal static class StandardSampler
{
    public static Sampler FromConfiguration(IConfiguration config)
    {
        var name = config["OTEL_TRACES_SAMPLER"]?.Trim().ToLowerInvariant();
        var ratio = double.TryParse(config["OTEL_TRACES_SAMPLER_ARG"], NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1 ? r : 1.0;
        return name switch
        {
            "always_on" => new AlwaysOnSampler(),
            "always_off" => new AlwaysOffSampler(),
            "traceidratio" => new TraceIdRatioBasedSampler(ratio),
            "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
            "parentbased_traceidratio" => new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)),
            _ => new ParentBasedSampler(new AlwaysOnSampler()),
        };
    }
}
