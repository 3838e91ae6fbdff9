using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Policies;

/// <summary>Expressions through <see cref="SnapshotValidator"/>, which the gateway and the management plane both run.</summary>
public sealed class PolicyValueRuleTests
{
    [Fact]
    public void Validate_ExpressionOutsideTheSubset_SameMessageAsTheCompilerAtTheAttributesPath()
    {
        const string text = "@(context.Request.Body.As<string>())";
        var report = Validate($$"""
            { "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://b"] },
              "policies": { "inbound": [ { "type": "base" }, { "type": "set-header", "name": "X-Body", "value": "{{text}}" } ] } } ] }
            """.Replace("{{text}}", text, StringComparison.Ordinal));

        var expected = Assert.Single(PolicyExpressions.CompileValue(text, NamedValueSet.Empty, Sections.Inbound).Errors);
        Assert.Equal([new ConfigError("apis[0].policies.inbound[1].value", expected)], report.Errors);
    }

    [Fact]
    public void Validate_ResponseInInbound_RefusedAtEveryScope()
    {
        var report = Validate("""
            { "schemaVersion": 1,
              "products": [ { "id": "p", "policies": { "inbound": [ { "type": "set-variable", "name": "s", "value": "@(context.Response.StatusCode)" } ] } } ],
              "policies": { "inbound": [ { "type": "set-query-parameter", "name": "q", "values": ["ok", "@(context.LastError.Message)"] } ],
                "outbound": [ { "type": "set-header", "name": "X-Status", "value": "@(context.Response.StatusCode)" } ] } }
            """);

        Assert.Equal(
            [
                "products[0].policies.inbound[0].value: '@(context.Response.StatusCode)' at column 20: 'context.Response.StatusCode' is available only in outbound and onError, not in inbound",
                "policies.inbound[0].values[1]: '@(context.LastError.Message)' at column 21: 'context.LastError.Message' is available only in onError, not in inbound",
            ],
            report.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_IncrementCondition_BoolThatMayReadTheResponse()
    {
        var report = Validate("""
            { "schemaVersion": 1, "policies": { "inbound": [
              { "type": "rate-limit-by-key", "calls": 1, "renewalPeriod": 1, "counterKey": "@(context.Request.IpAddress)",
                "incrementCondition": "@(context.Response.StatusCode == 200)" },
              { "type": "rate-limit-by-key", "calls": 1, "renewalPeriod": 1, "counterKey": "k", "incrementCondition": "@(context.Request.Method)" },
              { "type": "quota-by-key", "calls": 1, "renewalPeriod": 1, "counterKey": "k", "incrementCondition": "@(context.LastError.Reason == null)" } ] } }
            """);

        Assert.Equal(
            [
                "policies.inbound[1].incrementCondition: '@(context.Request.Method)': a condition must be a bool expression, not string",
                "policies.inbound[2].incrementCondition: '@(context.LastError.Reason == null)' at column 21: 'context.LastError.Reason' is available only in onError, not in outbound",
            ],
            report.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_ExpressionWhereAPIMTakesALiteral_Refused()
    {
        var report = Validate("""
            { "schemaVersion": 1, "namedValues": [ { "id": "var", "value": "v" } ], "policies": { "inbound": [
              { "type": "set-variable", "name": "@(context.Api.Id)", "value": "x" },
              { "type": "set-variable", "name": "{{var}}", "value": "x" },
              { "type": "validate-jwt", "outputTokenVariableName": "@{ return \"jwt\"; }",
                "openidConfig": { "url": "https://login.example.com/.well-known/openid-configuration" } } ] } }
            """);

        Assert.Equal(
            [
                "policies.inbound[0].name: 'name' of 'set-variable' takes a literal, not an expression (as in APIM)",
                "policies.inbound[2].outputTokenVariableName: 'outputTokenVariableName' of 'validate-jwt' takes a literal, not an expression (as in APIM)",
            ],
            report.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_NamedValuesInNestedObjects_CheckedThere()
    {
        var report = Validate("""
            { "schemaVersion": 1, "namedValues": [ { "id": "secret-one", "secret": true } ],
              "policies": { "inbound": [ { "type": "validate-jwt", "openidConfig": { "url": "https://{{idp}}/.well-known/openid-configuration" },
                "audiences": ["{{secret-one}}", "@(context.Api.Id)", "@(context.Api)"] } ] } }
            """);

        Assert.Equal(
            [
                "policies.inbound[0].openidConfig.url: references named value 'idp', which is not defined",
                "policies.inbound[0].audiences[2]: '@(context.Api)' at column 11: 'context.Api' is not a value in the supported subset (see docs/policies.md#expressions)",
                // validate-jwt compiles its audiences once per snapshot (JwtRules): no request expression there at all.
                "policies.inbound[0].audiences[1]: takes a literal or named values, not an expression: validate-jwt compiles it once per snapshot",
                "policies.inbound[0].audiences[2]: takes a literal or named values, not an expression: validate-jwt compiles it once per snapshot",
            ],
            report.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_ValidExpressions_AcceptedAndEnforced()
    {
        var report = Validate("""
            { "schemaVersion": 1, "namedValues": [ { "id": "region-header", "value": "X-Region" } ],
              "policies": {
                "inbound": [ { "type": "set-header", "name": "{{region-header}}", "value": "@(context.Deployment.Region)" } ],
                "outbound": [ { "type": "set-header", "name": "X-Status", "value": "@{ return \"s\" + context.Response.StatusCode; }" } ],
                "onError": [ { "type": "set-header", "name": "X-Error", "value": "@(context.LastError.Reason ?? \"\")" } ] } }
            """);

        Assert.Empty(report.Errors);
    }

    private static ValidationReport Validate(string json)
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8(json));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return SnapshotValidator.Validate(parsed.Snapshot!);
    }
}
