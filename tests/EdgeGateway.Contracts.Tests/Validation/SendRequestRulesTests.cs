using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>send-request, send-one-way-request, the cache-*-value policies and authentication-basic: what both planes refuse at load.</summary>
public sealed class SendRequestRulesTests
{
    private static ValidationReport Validate(string inbound)
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8(Samples.OneApi($$"""
            { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
              "policies": { "inbound": {{inbound}} } }
            """)));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return SnapshotValidator.Validate(parsed.Snapshot!);
    }

    private static string[] Errors(ValidationReport report) => [.. report.Errors.Select(e => e.ToString())];

    [Fact]
    public void SendRequest_WithEveryChildAndAttribute_Valid()
    {
        var report = Validate("""
            [ { "type": "send-request", "mode": "new", "responseVariableName": "tok", "timeout": 20, "ignoreError": true, "policies": [
                  { "type": "set-url", "url": "https://login.example.com/token" },
                  { "type": "set-method", "method": "POST" },
                  { "type": "set-header", "name": "Content-Type", "value": "application/x-www-form-urlencoded", "existsAction": "override" },
                  { "type": "set-body", "value": "@(\"grant_type=client_credentials&client_id=\" + context.Api.Id)" },
                  { "type": "authentication-basic", "username": "app", "password": "secret" },
                  { "type": "authentication-managed-identity", "resource": "https://management.azure.com/" } ] },
              { "type": "send-one-way-request", "mode": "copy", "timeout": 5 },
              { "type": "cache-lookup-value", "key": "token", "variableName": "cached", "defaultValue": "", "cachingType": "prefer-external" },
              { "type": "cache-store-value", "key": "@(\"token-\" + context.Api.Id)", "value": "@(((IResponse)context.Variables[\"tok\"]).Body.As<JObject>()[\"access_token\"].ToString())", "duration": 300, "cachingType": "internal" },
              { "type": "cache-remove-value", "key": "token", "cachingType": "external" },
              { "type": "authentication-basic", "username": "user", "password": "pass" } ]
            """);

        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Theory]
    [InlineData("""{ "type": "send-request", "responseVariableName": "r", "policies": [] }""",
        "apis[0].policies.inbound[0].policies: needs a { \"type\": \"set-url\", \"url\": ... } child in mode new (only mode copy starts from the request's URL)")]
    [InlineData("""{ "type": "send-request", "policies": [ { "type": "set-url", "url": "http://x" } ] }""",
        "apis[0].policies.inbound[0].responseVariableName: required by 'send-request'")]
    [InlineData("""{ "type": "send-request", "responseVariableName": "r", "timeout": 0, "policies": [ { "type": "set-url", "url": "http://x" } ] }""",
        "apis[0].policies.inbound[0].timeout: seconds before the side call fails: 1 to 600 (default 60)")]
    [InlineData("""{ "type": "send-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "ftp://x/y" } ] }""",
        "apis[0].policies.inbound[0].policies[0].url: 'ftp://x/y' is not an absolute http or https URL")]
    [InlineData("""{ "type": "send-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "http://x" }, { "type": "rate-limit", "calls": 1, "renewalPeriod": 1 } ] }""",
        "apis[0].policies.inbound[0].policies[1].type: 'rate-limit' is not allowed inside send-request (allowed: authentication-basic, authentication-certificate, authentication-managed-identity, set-body, set-header, set-method, set-url)")]
    [InlineData("""{ "type": "send-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "http://x" }, { "type": "set-url", "url": "http://y" } ] }""",
        "apis[0].policies.inbound[0].policies[1].type: a second set-url: the side request has one URL")]
    [InlineData("""{ "type": "send-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "http://x", "timeout": 1 } ] }""",
        "apis[0].policies.inbound[0].policies[0].timeout: unknown attribute for 'set-url'")]
    [InlineData("""{ "type": "send-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "http://x" }, { "type": "set-header", "name": "Content-Length", "value": "1" } ] }""",
        "apis[0].policies.inbound[0].policies[1].name: 'Content-Length' is managed by the gateway (message framing and connection headers cannot be set by a policy)")]
    [InlineData("""{ "type": "send-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "http://x" }, { "type": "set-method", "method": "GE T" } ] }""",
        "apis[0].policies.inbound[0].policies[1].method: 'GE T' is not an HTTP method (a token of letters, digits and !#$%&'*+-.^_`|~, up to 32 characters)")]
    [InlineData("""{ "type": "send-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "@(context.Request.Bogus)" } ] }""",
        "apis[0].policies.inbound[0].policies[0].url: '@(context.Request.Bogus)' at column 19: 'context.Request.Bogus' is not in the supported subset (see docs/policies.md#expressions)")]
    [InlineData("""{ "type": "send-request", "responseVariableName": "@(context.Api.Id)", "policies": [ { "type": "set-url", "url": "http://x" } ] }""",
        "apis[0].policies.inbound[0].responseVariableName: 'responseVariableName' of 'send-request' takes a literal, not an expression (as in APIM)")]
    [InlineData("""{ "type": "send-one-way-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "http://x" } ] }""",
        "apis[0].policies.inbound[0].responseVariableName: unknown attribute for 'send-one-way-request'")]
    [InlineData("""{ "type": "cache-store-value", "key": "k", "value": "v", "duration": 0 }""",
        "apis[0].policies.inbound[0].duration: seconds to keep the value: at least 1")]
    [InlineData("""{ "type": "cache-lookup-value", "key": "k", "variableName": "v", "cachingType": "shared" }""",
        "apis[0].policies.inbound[0].cachingType: expected one of prefer-external, external, internal")]
    [InlineData("""{ "type": "authentication-basic", "username": "u" }""",
        "apis[0].policies.inbound[0].password: required by 'authentication-basic'")]
    [InlineData("""{ "type": "authentication-basic", "username": "u", "password": "{{missing}}" }""",
        "apis[0].policies.inbound[0].password: references named value 'missing', which is not defined")]
    [InlineData("""{ "type": "send-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "http://x" }, { "type": "authentication-managed-identity", "resource": "api://x", "outputTokenVariableName": "@(context.Api.Id)" } ] }""",
        "apis[0].policies.inbound[0].policies[1].outputTokenVariableName: 'outputTokenVariableName' of 'authentication-managed-identity' takes a literal, not an expression (as in APIM)")]
    [InlineData("""{ "type": "send-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "http://x" }, { "type": "authentication-managed-identity", "resource": " " } ] }""",
        "apis[0].policies.inbound[0].policies[1].resource: required: the audience to get a token for, like https://storage.azure.com/ or an application id")]
    public void Policy_Misconfigured_OneErrorNamingThePath(string policy, string error)
    {
        Assert.Equal([error], Errors(Validate($"[ {policy} ]")));
    }

    [Fact]
    public void AuthenticationBasic_Outbound_NotAllowed()
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8(Samples.OneApi("""
            { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
              "policies": { "outbound": [ { "type": "authentication-basic", "username": "u", "password": "p" } ] } }
            """)));

        Assert.Equal(["apis[0].policies.outbound[0].type: 'authentication-basic' is not allowed in this section"], Errors(SnapshotValidator.Validate(parsed.Snapshot!)));
    }

    [Fact]
    public void SendRequest_ManagedIdentityChildClientIdExpression_RefusedAsTheTopLevelPolicy()
    {
        var report = Validate("""
            [ { "type": "send-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "http://x" },
                { "type": "authentication-managed-identity", "resource": "api://x", "clientId": "@(context.Request.Headers.GetValueOrDefault(\"c\", \"\"))" } ] } ]
            """);

        Assert.NotEmpty(Errors(report));
        Assert.All(Errors(report), e => Assert.StartsWith("apis[0].policies.inbound[0].policies[1].clientId: ", e, StringComparison.Ordinal));
    }

    [Fact]
    public void SendRequest_UrlFromASecretNamedValue_NotAUrl_RefusedWithoutQuotingIt()
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8(Samples.OneApi("""
            { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
              "policies": { "inbound": [ { "type": "send-request", "responseVariableName": "r", "policies": [ { "type": "set-url", "url": "{{target}}" } ] } ] } }
            """, """, "namedValues": [ { "id": "target", "value": "ftp://vault.internal/x?key=s3cr3t-Value", "secret": true } ]""")));

        var errors = Errors(SnapshotValidator.Validate(parsed.Snapshot!));

        Assert.Equal(["apis[0].policies.inbound[0].policies[0].url: is not an absolute http or https URL once its named values are put in"], errors);
    }
}
