using System.Globalization;
using OpenTelemetry.Trace;

namespace EdgeGateway.Telemetry.Export;

/// <summary>
/// The sampler OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG name, built by us for every exporter alike (the Azure Monitor
/// exporter would otherwise replace the provider's sampler with its own and decide for OTLP too). The spec's values, and
/// Azure Monitor's <c>microsoft.rate_limited</c> (argument: traces per second) and <c>microsoft.fixed_percentage</c>
/// (argument: a ratio). The default, when the variable is unset or unknown, is <see cref="DefaultTracesPerSecond"/> new
/// traces per second per instance, following a caller's sampled flag (Azure Monitor's own default since its 1.6 exporter):
/// tracing every request costs more CPU than proxying it (bench/RESULTS.md), and metrics, which are never sampled, count
/// every request anyway. <c>parentbased_always_on</c> traces every request.
/// </summary>
internal static class StandardSampler
{
    public const double DefaultTracesPerSecond = 5;

    public const string DefaultDescription = "parent-based, 5 new traces/s";

    public static Sampler FromConfiguration(IConfiguration config, TimeProvider? time = null)
    {
        var name = config["OTEL_TRACES_SAMPLER"]?.Trim().ToLowerInvariant();
        var arg = double.TryParse(config["OTEL_TRACES_SAMPLER_ARG"], NumberStyles.Float, CultureInfo.InvariantCulture, out var a) && a >= 0 ? a : (double?)null;
        var ratio = arg is <= 1 ? arg.Value : 1.0;
        return name switch
        {
            "always_on" => new AlwaysOnSampler(),
            "always_off" => new AlwaysOffSampler(),
            "traceidratio" => new TraceIdRatioBasedSampler(ratio),
            "parentbased_always_on" => new ParentBasedSampler(new AlwaysOnSampler()),
            "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
            "parentbased_traceidratio" => new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)),
            "microsoft.fixed_percentage" => new ParentBasedSampler(new SampleRateRatioSampler(ratio)),
            "microsoft.rate_limited" => new ParentBasedSampler(new RateLimitedSampler(arg ?? DefaultTracesPerSecond, time ?? TimeProvider.System)),
            _ => new ParentBasedSampler(new RateLimitedSampler(DefaultTracesPerSecond, time ?? TimeProvider.System)),
        };
    }

    /// <summary>The sampler in force, for the start-up line: its name and argument, or the default's description.</summary>
    public static string Describe(IConfiguration config)
    {
        var name = config["OTEL_TRACES_SAMPLER"]?.Trim().ToLowerInvariant();
        var arg = config["OTEL_TRACES_SAMPLER_ARG"]?.Trim();
        return name switch
        {
            "always_on" or "always_off" or "parentbased_always_on" or "parentbased_always_off" => name,
            "traceidratio" or "parentbased_traceidratio" or "microsoft.fixed_percentage" or "microsoft.rate_limited" =>
                string.IsNullOrEmpty(arg) ? name : $"{name} {arg}",
            _ => DefaultDescription,
        };
    }
}
