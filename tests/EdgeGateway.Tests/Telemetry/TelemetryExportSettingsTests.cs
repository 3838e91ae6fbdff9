using EdgeGateway.Telemetry.Export;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>
/// Which exporters the settings turn on, and what the start-up line says about them: never the connection string's key,
/// never an endpoint's path or user info; nothing at all without an exporter or with OTEL_SDK_DISABLED=true.
/// </summary>
public sealed class TelemetryExportSettingsTests
{
    private static TelemetryExportSettings Read(params (string Key, string Value)[] values) =>
        TelemetryExportSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void NothingConfigured_NoProvider()
    {
        var settings = Read();
        Assert.False(settings.Any);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.ShutdownTimeout);
    }

    [Fact]
    public void PerSignalEndpoint_TurnsOnOnlyThatSignal()
    {
        var settings = Read(("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://collector:4318/v1/metrics"));
        Assert.True(settings.Metrics);
        Assert.False(settings.Traces);
        Assert.False(settings.Logs);
        Assert.Equal("OTLP http/protobuf (metrics to http://collector:4318)", settings.Describe());
    }

    [Fact]
    public void Describe_NeverShowsTheKeyOrTheEndpointsUserInfo()
    {
        var settings = Read(("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=secret-key-123;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://user:pw@collector.example:4317/otlp"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("Telemetry:Prometheus:Enabled", "true"));
        var line = settings.Describe();
        Assert.Equal("Azure Monitor (traces, metrics, logs to https://westeurope-5.in.applicationinsights.azure.com); "
            + "OTLP grpc (traces, metrics, logs to https://collector.example:4317); Prometheus (/metrics); traces sampled: parent-based, 5 new traces/s", line);
        Assert.DoesNotContain("secret-key", line, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", line, StringComparison.Ordinal);
    }

    [Fact]
    public void SdkDisabled_WinsOverEveryExporter()
    {
        var settings = Read(("OTEL_SDK_DISABLED", "TRUE"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), ("Telemetry:Prometheus:Enabled", "true"));
        Assert.False(settings.Any);
        Assert.Equal("none (OTEL_SDK_DISABLED=true)", settings.Describe());
    }

    [Theory]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "garbage-value-xyz")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "IngestionEndpoint=https://x/")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector")]
    [InlineData("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/json")]
    [InlineData("OTEL_METRIC_EXPORT_INTERVAL", "-5")]
    [InlineData("Telemetry:ShutdownTimeout", "00:10:00")]
    [InlineData("Telemetry:Prometheus:Enabled", "on")]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS", "authorization Bearer s3cr3t")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "api-key=s3cr3t,=x")]
    [InlineData("OTEL_BSP_MAX_QUEUE_SIZE", "100")]
    [InlineData("OTEL_BLRP_MAX_QUEUE_SIZE", "100")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "user:s3cr3t@collector:4318")]
    public void Malformed_NamesTheSetting(string key, string value)
    {
        var ex = Assert.Throws<TelemetrySettingsException>(() => Read((key, value)));
        Assert.StartsWith(key, ex.Message, StringComparison.Ordinal);
        if (key == TelemetryExportSettings.ConnectionStringKey || key.Contains("HEADERS", StringComparison.Ordinal) || key.EndsWith("ENDPOINT", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(value, ex.Message, StringComparison.Ordinal); // a secret: said what is wrong, never shown
        }
    }

    [Fact]
    public void PerSignalEndpoint_WinsOverTheGeneralOne_UsedAsIs()
    {
        var settings = Read(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:4318"), ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://logs:4318/custom/logs"),
            ("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "k=v"), ("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "1234"));
        Assert.Equal(new Uri("http://logs:4318/custom/logs"), settings.OtlpSignalEndpoints["LOGS"]);
        Assert.False(settings.OtlpSignalEndpoints.ContainsKey("TRACES")); // the exporter appends /v1/traces to the general one itself
        Assert.Equal("k=v", settings.OtlpSignalHeaders["LOGS"]);
        Assert.Equal(1234, settings.OtlpSignalTimeouts["LOGS"]);
        Assert.True(settings.OtlpTraces && settings.OtlpMetrics && settings.OtlpLogs);
    }

    [Fact]
    public void BatchSizeWithinTheQueue_Accepted()
    {
        var settings = Read(("OTEL_BSP_MAX_QUEUE_SIZE", "100"), ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "100"), ("OTEL_BLRP_MAX_QUEUE_SIZE", "512"));
        Assert.False(settings.Any);
    }
}
