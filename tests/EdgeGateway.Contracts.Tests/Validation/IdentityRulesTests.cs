using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>authentication-managed-identity and validate-azure-ad-token as both planes check them at load.</summary>
public sealed class IdentityRulesTests
{
    private static string[] Errors(string policy, string namedValues = "[]")
    {
        var json = $$"""
            { "schemaVersion": 1, "namedValues": {{namedValues}}, "policies": { "inbound": [ {{policy}} ] } }
            """;
        var parsed = SnapshotReader.Parse(Samples.Utf8(json));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return [.. SnapshotValidator.Validate(parsed.Snapshot!).Errors.Select(e => e.ToString())];
    }

    [Theory]
    [InlineData("""{ "type": "authentication-managed-identity", "resource": "https://storage.azure.com/" }""")]
    [InlineData("""{ "type": "authentication-managed-identity", "resource": "api://{{mi}}", "clientId": "{{mi}}", "outputTokenVariableName": "t", "ignoreError": true }""")]
    [InlineData("""{ "type": "validate-azure-ad-token", "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47", "clientApplicationIds": ["{{mi}}"] }""")]
    [InlineData("""{ "type": "validate-azure-ad-token", "tenantId": "https://contoso.onmicrosoft.com", "audiences": ["api://orders"], "queryParameterName": "token", "failedValidationHttpCode": 403, "requiredClaims": [ { "name": "roles", "values": ["Reader"] } ] }""")]
    public void Validate_GoodPolicies_Accepted(string policy)
    {
        Assert.Empty(Errors(policy, """[ { "id": "mi", "value": "0f3c4b55-1a2b-4c3d-8e9f-00000000c11e" } ]"""));
    }

    [Theory]
    [InlineData("""{ "type": "authentication-managed-identity", "resource": " " }""", "policies.inbound[0].resource: required: the audience to get a token for")]
    [InlineData("""{ "type": "authentication-managed-identity", "resource": "api://x", "clientId": "@(context.Request.Headers.GetValueOrDefault(\"c\", \"\"))" }""", "policies.inbound[0].clientId:")]
    [InlineData("""{ "type": "authentication-managed-identity", "clientId": "c" }""", "policies.inbound[0].resource:")]
    [InlineData("""{ "type": "authentication-managed-identity", "resource": "@(context.Request.Headers.GetValueOrDefault(\"r\", \"api://x\"))" }""", "policies.inbound[0].resource: 'resource' of 'authentication-managed-identity' takes a literal")]
    [InlineData("""{ "type": "validate-azure-ad-token", "tenantId": "common", "audiences": ["a"] }""", "policies.inbound[0].tenantId: 'common' is not one tenant")]
    [InlineData("""{ "type": "validate-azure-ad-token", "tenantId": "contoso/../x", "audiences": ["a"] }""", "policies.inbound[0].tenantId: 'contoso/../x' is not a tenant")]
    [InlineData("""{ "type": "validate-azure-ad-token", "tenantId": "contoso.com" }""", "policies.inbound[0]: validate-azure-ad-token needs clientApplicationIds, audiences or backendApplicationIds")]
    [InlineData("""{ "type": "validate-azure-ad-token", "tenantId": "contoso.com", "audiences": ["a"], "headerName": "X-T", "tokenValue": "t" }""", "policies.inbound[0].tokenValue: give one of headerName")]
    [InlineData("""{ "type": "validate-azure-ad-token", "tenantId": "contoso.com", "audiences": ["a"], "failedValidationHttpCode": 200 }""", "policies.inbound[0].failedValidationHttpCode: 200 is not an error status")]
    [InlineData("""{ "type": "validate-azure-ad-token", "tenantId": "contoso.com", "clientApplicationIds": ["@(context.Request.Headers.GetValueOrDefault(\"c\", \"\"))"] }""", "policies.inbound[0].clientApplicationIds[0]: takes a literal or named values")]
    [InlineData("""{ "type": "validate-azure-ad-token", "tenantId": "contoso.com", "audiences": ["a"], "requiredClaims": [ { "match": "some" } ] }""", "policies.inbound[0].requiredClaims[0].match:")]
    [InlineData("""{ "type": "validate-azure-ad-token", "audiences": ["a"] }""", "policies.inbound[0].tenantId:")]
    public void Validate_BadPolicies_RefusedNamingThePath(string policy, string error)
    {
        Assert.Contains(Errors(policy), e => e.StartsWith(error, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OutsideInbound_Refused()
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8("""
            { "schemaVersion": 1, "policies": { "outbound": [ { "type": "authentication-managed-identity", "resource": "api://x" } ] } }
            """));

        Assert.Contains(SnapshotValidator.Validate(parsed.Snapshot!).Errors, e => e.ToString() == "policies.outbound[0].type: 'authentication-managed-identity' is not allowed in this section");
    }
}
