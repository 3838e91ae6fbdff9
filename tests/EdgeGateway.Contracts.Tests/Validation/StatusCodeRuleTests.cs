using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>Numbers a gateway writes into an answer: whole numbers it can read, statuses a client can read.</summary>
public sealed class StatusCodeRuleTests
{
    private static ValidationReport Validate(string policy, string section = "inbound")
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8($$"""
            { "schemaVersion": 1, "revision": 1,
              "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:5099"] },
                          "policies": { "{{section}}": [ {{policy}} ] } } ] }
            """));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return SnapshotValidator.Validate(parsed.Snapshot!);
    }

    [Theory]
    [InlineData("""{ "type": "set-status", "code": 3000000000 }""", "apis[0].policies.outbound[0].code")]
    [InlineData("""{ "type": "return-response", "statusCode": 2147483648 }""", "apis[0].policies.outbound[0].statusCode")]
    [InlineData("""{ "type": "set-header", "name": "X", "value": "1" }, { "type": "return-response", "statusCode": 99999999999 }""", "apis[0].policies.outbound[1].statusCode")]
    public void WholeNumber_BeyondInt32_RefusedAtLoad(string policies, string path)
    {
        var error = Assert.Single(Validate(policies, "outbound").Errors);

        Assert.Equal(path, error.Path);
        Assert.Contains("2147483647", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "type": "set-status", "code": 0 }""", "code", "200 to 599")]
    [InlineData("""{ "type": "set-status", "code": 101 }""", "code", "200 to 599")]
    [InlineData("""{ "type": "set-status", "code": 600 }""", "code", "200 to 599")]
    [InlineData("""{ "type": "return-response", "statusCode": 42 }""", "statusCode", "200 to 599")]
    [InlineData("""{ "type": "return-response", "statusCode": 1000 }""", "statusCode", "200 to 599")]
    public void AnswerStatus_NotAFinalHttpStatus_RefusedAtLoad(string policy, string attribute, string message)
    {
        var error = Assert.Single(Validate(policy, "outbound").Errors);

        Assert.Equal($"apis[0].policies.outbound[0].{attribute}", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(399)]
    [InlineData(600)]
    public void CheckHeaderFailure_NotAnErrorStatus_RefusedAtLoad(int code)
    {
        var error = Assert.Single(Validate($$"""
            { "type": "check-header", "name": "X", "failedCheckHttpCode": {{code}}, "failedCheckErrorMessage": "no" }
            """).Errors);

        Assert.Equal("apis[0].policies.inbound[0].failedCheckHttpCode", error.Path);
        Assert.Contains("400 to 599", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "type": "set-status", "code": 204 }""", "outbound")]
    [InlineData("""{ "type": "return-response", "statusCode": 599 }""", "inbound")]
    [InlineData("""{ "type": "check-header", "name": "X", "failedCheckHttpCode": 401, "failedCheckErrorMessage": "no" }""", "inbound")]
    public void Status_InRange_Valid(string policy, string section)
    {
        Assert.Empty(Validate(policy, section).Errors);
    }
}
