using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>retry, forward-request and a backend's circuitBreaker: what both planes refuse at load, with the JSON path named.</summary>
public sealed class ResilienceRulesTests
{
    private static ValidationReport Validate(string backendPolicies = "", string backendExtra = "")
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8($$"""
            { "schemaVersion": 1, "revision": 1,
              "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:5099"] {{backendExtra}} },
                          "policies": { "backend": [ {{backendPolicies}} ] } } ] }
            """));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return SnapshotValidator.Validate(parsed.Snapshot!);
    }

    [Fact]
    public void Retry_EveryAttributeWithinBounds_ValidAndEnforced()
    {
        var report = Validate("""
            { "type": "forward-request", "timeout": 30, "bufferRequestBody": true },
            { "type": "retry", "condition": "@(context.Response.StatusCode >= 500 && context.Response.Headers.GetValueOrDefault(\"X-Retry\", \"yes\") == \"yes\")",
              "count": 50, "interval": 0, "delta": 600, "maxInterval": 600, "firstFastRetry": true, "retryNonIdempotent": true }
            """);

        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.True(report.IsValid);
    }

    [Theory]
    [InlineData("\"count\": 0", "count", "1 to 50")]
    [InlineData("\"count\": 51", "count", "1 to 50")]
    [InlineData("\"count\": 3, \"interval\": 601", "interval", "0 to 600")]
    [InlineData("\"count\": 3, \"delta\": 601", "delta", "0 to 600")]
    [InlineData("\"count\": 3, \"maxInterval\": 0", "maxInterval", "1 to 600")]
    [InlineData("\"count\": 3, \"interval\": 10, \"delta\": 1, \"maxInterval\": 5", "maxInterval", "not be less than interval")]
    public void Retry_NumberOutOfBounds_RefusedWithItsPath(string attributes, string attribute, string message)
    {
        var error = Assert.Single(Validate($$"""{ "type": "retry", "condition": "@(context.Response.StatusCode == 503)", {{attributes}} }""").Errors);

        Assert.Equal($"apis[0].policies.backend[0].{attribute}", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "type": "retry", "count": 3 }""", "condition")]
    [InlineData("""{ "type": "retry", "condition": "true" }""", "count")]
    [InlineData("""{ "type": "retry", "condition": "@(context.Response.StatusCode)", "count": 3 }""", "condition")]
    [InlineData("""{ "type": "forward-request", "timeout": 0 }""", "timeout")]
    [InlineData("""{ "type": "forward-request", "timeout": 3601 }""", "timeout")]
    public void Policy_MissingOrWrongAttribute_RefusedWithItsPath(string policy, string attribute)
    {
        var error = Assert.Single(Validate(policy).Errors);

        Assert.Equal($"apis[0].policies.backend[0].{attribute}", error.Path);
    }

    [Fact]
    public void Retry_InInbound_RefusedBecauseItConfiguresTheForwardCall()
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8("""
            { "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:5099"] },
              "policies": { "inbound": [ { "type": "retry", "condition": "true", "count": 1 } ] } } ] }
            """));

        var error = Assert.Single(SnapshotValidator.Validate(parsed.Snapshot!).Errors);

        Assert.Equal("apis[0].policies.inbound[0].type", error.Path);
    }

    [Fact]
    public void CircuitBreaker_WithinBounds_Valid()
    {
        var report = Validate(backendExtra: """, "circuitBreaker": { "failureCount": 5, "tripDuration": "00:00:30", "failureStatusCodes": [500, 503, 429] }""");

        Assert.True(report.IsValid, string.Join("\n", report.Errors));
    }

    [Theory]
    [InlineData("""{ "tripDuration": "00:00:30" }""", "failureCount", "required")]
    [InlineData("""{ "failureCount": 0, "tripDuration": "00:00:30" }""", "failureCount", "1 to 1000")]
    [InlineData("""{ "failureCount": 1001, "tripDuration": "00:00:30" }""", "failureCount", "1 to 1000")]
    [InlineData("""{ "failureCount": 3 }""", "tripDuration", "required")]
    [InlineData("""{ "failureCount": 3, "tripDuration": "00:00:00.05" }""", "tripDuration", "00:00:00.1")]
    [InlineData("""{ "failureCount": 3, "tripDuration": "2.00:00:00" }""", "tripDuration", "1.00:00:00")]
    [InlineData("""{ "failureCount": 3, "tripDuration": "00:00:30", "failureStatusCodes": [503, 99] }""", "failureStatusCodes[1]", "100 to 599")]
    public void CircuitBreaker_Wrong_RefusedWithItsPath(string breaker, string field, string message)
    {
        var error = Assert.Single(Validate(backendExtra: $", \"circuitBreaker\": {breaker}").Errors);

        Assert.Equal($"apis[0].backend.circuitBreaker.{field}", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
