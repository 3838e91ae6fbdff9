using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>ClientCertificateRules, through the validator both planes run.</summary>
public sealed class ClientCertificateRulesTests
{
    private const string Path = "apis[0].policies.inbound[0]";

    private static ValidationReport Validate(string policy, string namedValues = "[]")
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8($$"""
            { "schemaVersion": 1, "revision": 1, "namedValues": {{namedValues}},
              "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:5099"] },
                          "policies": { "inbound": [ {{policy}} ] } } ] }
            """));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return SnapshotValidator.Validate(parsed.Snapshot!);
    }

    [Fact]
    public void EveryIdentityAttribute_WithNamedValue_Valid()
    {
        var report = Validate("""
            { "type": "validate-client-certificate", "validateRevocation": false, "validateTrust": true, "validateNotBefore": true,
              "validateNotAfter": false, "ignoreError": false,
              "identities": [
                { "thumbprint": "9a 1c 3f 0e 5b 7d 2a 4c 6e 8f 0a 1b 2c 3d 4e 5f 60 71 82 93" },
                { "serialNumber": "00:1A:2B", "commonName": "billing", "dnsName": "billing.example" },
                { "subject": "CN=billing, O=\"Contoso, Inc.\", C=US", "issuerSubject": "{{ca-name}}", "issuerThumbprint": "{{ca-thumb}}" } ] }
            """, """[ { "id": "ca-name", "value": "CN=Contoso CA" }, { "id": "ca-thumb", "value": "0123456789ABCDEF0123456789ABCDEF01234567" } ]""");

        Assert.Empty(report.Errors);
    }

    [Theory]
    [InlineData("""{ "thumbprint": "XYZ" }""", "identities[0].thumbprint", "40 hex digits")]
    [InlineData("""{ "issuerThumbprint": "0123" }""", "identities[0].issuerThumbprint", "40 hex digits")]
    [InlineData("""{ "serialNumber": "not hex" }""", "identities[0].serialNumber", "serial number")]
    [InlineData("""{ "subject": "billing" }""", "identities[0].subject", "distinguished name")]
    [InlineData("""{ "commonName": " " }""", "identities[0].commonName", "must not be empty")]
    [InlineData("""{ "issuerCertificateId": "partner-ca" }""", "identities[0].issuerCertificateId", "not supported yet")]
    [InlineData("""{ "thumb": "x" }""", "identities[0].thumb", "unknown attribute for an identity")]
    [InlineData("""{ }""", "identities[0]", "at least one of")]
    [InlineData("""{ "thumbprint": 42 }""", "identities[0].thumbprint", "expected a string")]
    [InlineData("""{ "commonName": "@(context.Request.Headers.GetValueOrDefault(\"X-Cn\"))" }""", "identities[0].commonName", "not an expression")]
    public void BadIdentity_RefusedAtItsPath(string identity, string path, string contains)
    {
        var report = Validate($$"""{ "type": "validate-client-certificate", "identities": [ {{identity}} ] }""");

        var error = Assert.Single(report.Errors);
        Assert.Equal($"{Path}.{path}", error.Path);
        Assert.Contains(contains, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreThanTenIdentities_Refused()
    {
        var identities = string.Join(", ", Enumerable.Range(0, 11).Select(i => $$"""{ "commonName": "c{{i}}" }"""));

        var error = Assert.Single(Validate($$"""{ "type": "validate-client-certificate", "identities": [ {{identities}} ] }""").Errors);

        Assert.Equal($"{Path}.identities", error.Path);
        Assert.Contains("at most 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutsideInbound_Refused()
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8("""
            { "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:5099"] },
              "policies": { "outbound": [ { "type": "validate-client-certificate" } ] } } ] }
            """));

        var error = Assert.Single(SnapshotValidator.Validate(parsed.Snapshot!).Errors);

        Assert.Equal("apis[0].policies.outbound[0].type", error.Path);
    }
}
