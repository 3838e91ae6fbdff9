using EdgeGateway.Hosting;
using EdgeGateway.Telemetry;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>The request-telemetry settings: defaults, and a bad value stopping the start with the setting's name.</summary>
public sealed class RequestTelemetrySettingsTests
{
    private static RequestTelemetrySettings Read(params (string Key, string Value)[] values) =>
        RequestTelemetrySettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void Unset_AcceptsIncomingTraces_AccessLogOff_RatioOne()
    {
        Assert.Equal(new RequestTelemetrySettings(true, false, 1.0), Read());
    }

    [Fact]
    public void Set_AreRead()
    {
        Assert.Equal(new RequestTelemetrySettings(false, true, 0.25),
            Read(("Telemetry:Tracing:AcceptIncoming", "false"), ("Telemetry:AccessLog:Enabled", "True"), ("Telemetry:AccessLog:SampleRatio", "0.25")));
    }

    [Theory]
    [InlineData("Telemetry:AccessLog:SampleRatio", "1.5")]
    [InlineData("Telemetry:AccessLog:SampleRatio", "-0.1")]
    [InlineData("Telemetry:AccessLog:SampleRatio", "half")]
    [InlineData("Telemetry:AccessLog:SampleRatio", "NaN")]
    [InlineData("Telemetry:AccessLog:Enabled", "yes")]
    [InlineData("Telemetry:Tracing:AcceptIncoming", "1")]
    public void BadValue_StopsTheStart_NamingTheSetting(string key, string value)
    {
        var error = Assert.Throws<StartupException>(() => Read((key, value)));
        Assert.StartsWith($"{key}: '{value}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?subscription-key=abc&page=2", null, "?page=2")]
    [InlineData("?page=2&Subscription-Key=abc", null, "?page=2")]
    [InlineData("?page=2&my-key=abc&x=1", "my-key", "?page=2&x=1")]
    [InlineData("?subscription%2Dkey=abc", null, "")]
    [InlineData("?access_token=eyJ&q=a+b", null, "?q=a+b")]
    [InlineData("?q=1", "my-key", "?q=1")]
    public void AccessLogUrl_DropsKeyAndTokenParameters(string query, string? keyQuery, string expected)
    {
        Assert.Equal(expected, AccessLogUrl.Filter(query, keyQuery));
    }
}
