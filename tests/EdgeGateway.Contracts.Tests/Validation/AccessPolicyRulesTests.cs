using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>IpFilterRules and CorsRules, through the validator both planes run.</summary>
public sealed class AccessPolicyRulesTests
{
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

    private static void AssertOnly(ValidationReport report, string path, string contains)
    {
        var error = Assert.Single(report.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(contains, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IpFilter_AddressesCidrsRangesAndNamedValue_ValidAndEnforced()
    {
        var report = Validate("""
            { "type": "ip-filter", "action": "allow", "addresses": ["203.0.113.7", "10.0.0.0/8", "2001:db8::/32", "{{office}}"],
              "addressRanges": [ { "from": "198.51.100.1", "to": "198.51.100.9" }, { "from": "2001:db8::1", "to": "2001:db8::ff" } ] }
            """, """[ { "id": "office", "value": "192.0.2.0/24" } ]""");

        Assert.Empty(report.Errors);
        Assert.True(report.IsValid);
    }

    [Theory]
    [InlineData("""{ "type": "ip-filter", "action": "allow", "addresses": ["10.0.0.300"] }""", "apis[0].policies.inbound[0].addresses[0]", "is not an IPv4 or IPv6 address")]
    [InlineData("""{ "type": "ip-filter", "action": "allow", "addresses": ["10.0.0.0/40"] }""", "apis[0].policies.inbound[0].addresses[0]", "prefix outside /0-/32")]
    [InlineData("""{ "type": "ip-filter", "action": "forbid", "addressRanges": [ { "from": "10.0.0.9", "to": "10.0.0.1" } ] }""", "apis[0].policies.inbound[0].addressRanges[0].to", "is above")]
    [InlineData("""{ "type": "ip-filter", "action": "forbid", "addressRanges": [ { "from": "10.0.0.1", "to": "::1" } ] }""", "apis[0].policies.inbound[0].addressRanges[0].to", "different address families")]
    [InlineData("""{ "type": "ip-filter", "action": "forbid", "addressRanges": [ { "from": "10.0.0.1" } ] }""", "apis[0].policies.inbound[0].addressRanges[0].to", "required by an address range")]
    [InlineData("""{ "type": "ip-filter", "action": "forbid", "addressRanges": [ { "from": "10.0.0.1", "to": "10.0.0.2", "mask": "x" } ] }""", "apis[0].policies.inbound[0].addressRanges[0].mask", "unknown attribute")]
    [InlineData("""{ "type": "ip-filter", "action": "allow" }""", "apis[0].policies.inbound[0]", "at least one entry in addresses or addressRanges")]
    [InlineData("""{ "type": "ip-filter", "action": "allow", "addresses": ["@(context.Request.IpAddress)"] }""", "apis[0].policies.inbound[0].addresses[0]", "not an expression")]
    public void IpFilter_BadEntry_RefusedAtItsPath(string policy, string path, string contains)
    {
        AssertOnly(Validate(policy), path, contains);
    }

    [Fact]
    public void Cors_FullPolicy_ValidAndEnforced()
    {
        var report = Validate("""
            { "type": "cors", "allowCredentials": true, "allowedOrigins": ["https://app.example.com", "http://localhost:3000/"],
              "allowedMethods": ["GET", "PUT"], "allowedHeaders": ["Content-Type", "X-Requested-With"], "exposeHeaders": ["X-Total"],
              "preflightResultMaxAge": 600, "terminateUnmatchedRequest": false }
            """);

        Assert.Empty(report.Errors);
        Assert.True(report.IsValid);
    }

    [Theory]
    [InlineData("""{ "type": "cors", "allowCredentials": true, "allowedOrigins": ["*"] }""", "apis[0].policies.inbound[0].allowCredentials", "cannot be true when allowedOrigins is '*'")]
    [InlineData("""{ "type": "cors", "allowedOrigins": ["https://app.example.com/path"] }""", "apis[0].policies.inbound[0].allowedOrigins[0]", "is not an origin")]
    [InlineData("""{ "type": "cors", "allowedOrigins": ["app.example.com"] }""", "apis[0].policies.inbound[0].allowedOrigins[0]", "is not an origin")]
    [InlineData("""{ "type": "cors", "allowedOrigins": ["*", "https://app.example.com"] }""", "apis[0].policies.inbound[0].allowedOrigins[0]", "'*' stands alone")]
    [InlineData("""{ "type": "cors", "allowedOrigins": [] }""", "apis[0].policies.inbound[0].allowedOrigins", "at least one origin")]
    [InlineData("""{ "type": "cors", "allowedOrigins": ["*"], "allowedMethods": ["GET PUT"] }""", "apis[0].policies.inbound[0].allowedMethods[0]", "is not an HTTP token")]
    [InlineData("""{ "type": "cors", "allowedOrigins": ["*"], "allowedHeaders": ["X-A:"] }""", "apis[0].policies.inbound[0].allowedHeaders[0]", "is not an HTTP token")]
    [InlineData("""{ "type": "cors", "allowedOrigins": ["*"] }, { "type": "cors", "allowedOrigins": ["*"] }""", "apis[0].policies.inbound[1]", "a second 'cors' in this section")]
    public void Cors_BadPolicy_RefusedAtItsPath(string policy, string path, string contains)
    {
        AssertOnly(Validate(policy), path, contains);
    }
}
