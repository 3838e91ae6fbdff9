using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>TrafficRules (rate-limit, quota, their by-key forms, limit-concurrency), through the validator both planes run.</summary>
public sealed class TrafficRulesTests
{
    private static ValidationReport Validate(string policy)
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8($$"""
            { "schemaVersion": 1, "revision": 1, "namedValues": [ { "id": "hdr", "value": "X-Left" } ],
              "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:5099"] },
                          "policies": { "inbound": [ {{policy}} ] } } ] }
            """));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return SnapshotValidator.Validate(parsed.Snapshot!);
    }

    [Theory]
    [InlineData("""{ "type": "rate-limit", "calls": 5, "renewalPeriod": 60, "retryAfterHeaderName": "X-Retry", "remainingCallsHeaderName": "{{hdr}}", "totalCallsHeaderName": "X-Total" }""")]
    [InlineData("""{ "type": "rate-limit-by-key", "calls": 5, "renewalPeriod": 60, "counterKey": "@(context.Request.IpAddress)", "incrementCondition": "@(context.Response.StatusCode >= 200 && context.Response.StatusCode < 300)", "incrementCount": 2 }""")]
    [InlineData("""{ "type": "quota", "bandwidth": 1024, "renewalPeriod": 3600 }""")]
    [InlineData("""{ "type": "quota-by-key", "calls": 100, "renewalPeriod": 86400, "counterKey": "@(context.Subscription.Id)", "firstPeriodStart": "2024-01-01T00:00:00Z" }""")]
    [InlineData("""{ "type": "limit-concurrency", "key": "@(context.Request.IpAddress)", "maxCount": 3 }""")]
    public void TrafficPolicy_Valid_IsValidAndEnforced(string policy)
    {
        var report = Validate(policy);

        Assert.Empty(report.Errors);
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Theory]
    [InlineData("""{ "type": "rate-limit", "calls": 0, "renewalPeriod": 60 }""", "apis[0].policies.inbound[0].calls", "at least 1")]
    [InlineData("""{ "type": "rate-limit-by-key", "calls": 5, "renewalPeriod": 0, "counterKey": "k" }""", "apis[0].policies.inbound[0].renewalPeriod", "at least 1")]
    [InlineData("""{ "type": "rate-limit-by-key", "calls": 5, "renewalPeriod": 60, "counterKey": "k", "incrementCount": 0 }""", "apis[0].policies.inbound[0].incrementCount", "at least 1")]
    [InlineData("""{ "type": "rate-limit", "calls": 5, "renewalPeriod": 60, "retryAfterHeaderName": "Retry After" }""", "apis[0].policies.inbound[0].retryAfterHeaderName", "is not a header name")]
    [InlineData("""{ "type": "rate-limit", "calls": 5, "renewalPeriod": 60, "totalCallsHeaderName": "Content-Length" }""", "apis[0].policies.inbound[0].totalCallsHeaderName", "managed by the gateway")]
    [InlineData("""{ "type": "rate-limit", "calls": 5, "renewalPeriod": 60, "remainingCallsHeaderName": "@(context.Request.Method)" }""", "apis[0].policies.inbound[0].remainingCallsHeaderName", "not an expression")]
    [InlineData("""{ "type": "quota", "renewalPeriod": 60 }""", "apis[0].policies.inbound[0]", "needs calls, bandwidth or both")]
    [InlineData("""{ "type": "quota", "bandwidth": 0, "renewalPeriod": 60 }""", "apis[0].policies.inbound[0].bandwidth", "at least 1")]
    [InlineData("""{ "type": "quota-by-key", "calls": 5, "renewalPeriod": 60, "counterKey": "k", "firstPeriodStart": "next monday" }""", "apis[0].policies.inbound[0].firstPeriodStart", "not an ISO 8601 date")]
    [InlineData("""{ "type": "limit-concurrency", "key": "k", "maxCount": 0 }""", "apis[0].policies.inbound[0].maxCount", "at least 1")]
    public void TrafficPolicy_WhatAGatewayCannotCount_RefusedNamingThePath(string policy, string path, string message)
    {
        var report = Validate(policy);

        var error = Assert.Single(report.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
