using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>The transformation policies' values: what a gateway could not send is refused at load, in both planes.</summary>
public sealed class TransformRulesTests
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

    private static string Errors(ValidationReport report) => string.Join("\n", report.Errors);

    [Theory]
    [InlineData("/v2/{id}/details?view={view}&x=1")]
    [InlineData("/")]
    [InlineData("/files/a%2Fb/v1.2")]
    [InlineData("/{{base}}/{id}")]
    [InlineData("@(\"/v2\" + context.Request.Url.Path)")]
    public void RewriteUri_ValidTemplate_Accepted(string template)
    {
        var report = Validate($$"""{ "type": "rewrite-uri", "template": "{{template.Replace("\"", "\\\"")}}" }""",
            """[ { "id": "base", "value": "v3" } ]""");

        Assert.True(report.IsValid, Errors(report));
        Assert.True(report.IsValid);
    }

    [Theory]
    [InlineData("v2/items", "must start with '/'")]
    [InlineData("/v2/../admin", "dot segment '..'")]
    [InlineData("/v2/%2e%2E/admin", "dot segment")]
    [InlineData("/v2/./x", "dot segment '.'")]
    [InlineData("/v2/a b", "spaces")]
    [InlineData("/v2/a#frag", "'#'")]
    [InlineData("/v2/a\\\\b", "'\\'")]
    [InlineData("/v2/{id", "without its '}'")]
    [InlineData("/v2/{}", "parameter name")]
    [InlineData("/v2/{a.b}", "parameter name")]
    [InlineData("/{{up}}/x", "dot segment")]
    public void RewriteUri_TemplateTheGatewayCannotSend_RefusedWithItsPath(string template, string reason)
    {
        var report = Validate($$"""{ "type": "rewrite-uri", "template": "{{template}}" }""", """[ { "id": "up", "value": ".." } ]""");

        Assert.Contains(report.Errors, e => e.Path == "apis[0].policies.inbound[0].template" && e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://backend.example.com/base", null)]
    [InlineData("http://127.0.0.1:8080", null)]
    [InlineData("{{backend}}", null)]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\\\"X-Backend\\\", \\\"\\\"))", null)]
    [InlineData("ftp://files.example.com", "not an absolute http(s) URL")]
    [InlineData("/relative", "not an absolute http(s) URL")]
    [InlineData("https://user:pw@example.com", "credentials")]
    [InlineData("https://example.com/?a=1", "query")]
    public void SetBackendService_BaseUrl_OnlyAbsoluteHttp(string url, string? reason)
    {
        var report = Validate($$"""{ "type": "set-backend-service", "baseUrl": "{{url}}" }""",
            """[ { "id": "backend", "value": "https://from-named-value.example.com" } ]""");

        if (reason is null)
        {
            Assert.True(report.IsValid, Errors(report));
        }
        else
        {
            Assert.Contains(report.Errors, e => e.Path == "apis[0].policies.inbound[0].baseUrl" && e.Message.Contains(reason, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("POST", null)]
    [InlineData("PURGE", null)]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\\\"X-Method\\\", \\\"GET\\\"))", null)]
    [InlineData("GET POST", "is not an HTTP method")]
    [InlineData("", "is not an HTTP method")]
    [InlineData("CONNECT", "tunnel")]
    [InlineData("head", "HEAD cannot be set")]
    public void SetMethod_Method_MustBeASendableToken(string method, string? reason)
    {
        var report = Validate($$"""{ "type": "set-method", "method": "{{method}}" }""");

        if (reason is null)
        {
            Assert.True(report.IsValid, Errors(report));
        }
        else
        {
            Assert.Contains(report.Errors, e => e.Path == "apis[0].policies.inbound[0].method" && e.Message.Contains(reason, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("""{ "type": "find-and-replace", "from": "", "to": "x" }""", "apis[0].policies.inbound[0].from", "must not be empty")]
    [InlineData("""{ "type": "find-and-replace", "from": "{{empty}}", "to": "x" }""", "apis[0].policies.inbound[0].from", "must not be empty")]
    [InlineData("""{ "type": "set-body" }""", "apis[0].policies.inbound[0].value", "required")]
    public void BodyPolicies_WhatCannotWork_Refused(string policy, string path, string reason)
    {
        var report = Validate(policy, """[ { "id": "empty", "value": "" } ]""");

        Assert.Contains(report.Errors, e => e.Path == path && e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "type": "find-and-replace", "from": "a", "to": "" }""")]
    [InlineData("""{ "type": "find-and-replace", "from": "@(context.Request.Method)", "to": "{{empty}}" }""")]
    [InlineData("""{ "type": "set-body", "value": "@(\"{\\\"id\\\":\\\"\" + context.Subscription.Id + \"\\\"}\")" }""")]
    public void BodyPolicies_Valid_AcceptedAndEnforced(string policy)
    {
        var report = Validate(policy, """[ { "id": "empty", "value": "" } ]""");

        Assert.True(report.IsValid, Errors(report));
    }
}
