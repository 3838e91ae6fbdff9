// Probe for issue 14: which of Azure.Monitor.OpenTelemetry.AspNetCore's settings bind under Native AOT.
// The distro binds the "AzureMonitor" configuration section onto AzureMonitorOptions with the reflection-based
// ConfigurationBinder.Bind (its IL2026/IL3050), then takes APPLICATIONINSIGHTS_CONNECTION_STRING from the environment.
// This app reads back what actually landed in the resolved options and prints it as one JSON line, so run.sh can
// compare a JIT run with an AOT run of the same settings. Properties are read directly, never by reflection: reflecting
// over AzureMonitorOptions here would keep metadata the trimmer might otherwise drop, and so bias the answer.
using System.Text;
using System.Text.Json;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateSlimBuilder(args);
if (Environment.GetEnvironmentVariable("PROBE_BIND_IN_CODE") == "1")
{
    // The work-around to compare with: bind the same section in our own code, where the configuration binding source
    // generator (EnableConfigurationBindingGenerator) replaces the reflection binder with generated, trim-safe code.
    // The distro's own Bind still runs first (its IConfigureOptions); this callback runs after it.
    var section = builder.Configuration.GetSection("AzureMonitor");
    builder.Services.AddOpenTelemetry().UseAzureMonitor(o => section.Bind(o));
}
else
{
    builder.Services.AddOpenTelemetry().UseAzureMonitor();
}
var app = builder.Build();

var bound = app.Services.GetRequiredService<IOptionsMonitor<AzureMonitorOptions>>().Get(Options.DefaultName);
Console.Out.WriteLine("PROBE-OPTIONS " + ProbeJson.Describe(bound));
Console.Out.WriteLine("PROBE-DEFAULTS " + ProbeJson.Describe(new AzureMonitorOptions()));
Console.Out.Flush();

app.MapGet("/hello", (ILoggerFactory loggers) =>
{
    ProbeLog.Hello(loggers.CreateLogger("AzureMonitorDistroProbe"));
    return "hello";
});

app.Run();

/// <summary>Writes the options as flat JSON with Utf8JsonWriter (no serializer, no reflection).</summary>
internal static class ProbeJson
{
    public static string Describe(AzureMonitorOptions o)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            // Never the connection string itself (a secret in real use): only whether it is set and where it points.
            w.WriteString("ConnectionString", string.IsNullOrEmpty(o.ConnectionString) ? "(unset)" : "set, " + Endpoint(o.ConnectionString));
            w.WriteString("SamplingRatio", o.SamplingRatio.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("TracesPerSecond", o.TracesPerSecond?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(null)");
            w.WriteString("DisableOfflineStorage", o.DisableOfflineStorage.ToString());
            w.WriteString("StorageDirectory", o.StorageDirectory ?? "(null)");
            w.WriteString("EnableLiveMetrics", o.EnableLiveMetrics.ToString());
            w.WriteString("EnableStandardMetrics", o.EnableStandardMetrics.ToString());
            w.WriteString("EnablePerformanceCounters", o.EnablePerformanceCounters.ToString());
            w.WriteString("EnableTraceBasedLogsSampler", o.EnableTraceBasedLogsSampler.ToString());
            w.WriteString("Credential", o.Credential is null ? "(null)" : o.Credential.GetType().Name);
            // Nested Azure.Core ClientOptions, bound through the same Bind call.
            w.WriteString("Retry:MaxRetries", o.Retry.MaxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("Retry:NetworkTimeout", o.Retry.NetworkTimeout.ToString("c"));
            w.WriteString("Diagnostics:ApplicationId", o.Diagnostics.ApplicationId ?? "(null)");
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Endpoint(string connectionString)
    {
        foreach (var part in connectionString.Split(';'))
        {
            if (part.StartsWith("IngestionEndpoint=", StringComparison.OrdinalIgnoreCase))
            {
                return part;
            }
        }
        return "no IngestionEndpoint";
    }
}

/// <summary>One log line per request, so the ingestion stand-in can count exported logs.</summary>
internal static partial class ProbeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Probe answered /hello")]
    public static partial void Hello(ILogger logger);
}
