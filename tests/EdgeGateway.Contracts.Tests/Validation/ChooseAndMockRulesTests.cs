using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>choose's nested policies are checked by the rules of their section, at their own paths; mock-response and examples.</summary>
public sealed class ChooseAndMockRulesTests
{
    private static ValidationReport Validate(string inbound, string outbound = "[]", string extra = "", string operations = "[]")
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8(Samples.OneApi($$"""
            { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] }, "operations": {{operations}},
              "policies": { "inbound": {{inbound}}, "outbound": {{outbound}} } }
            """, extra)));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return SnapshotValidator.Validate(parsed.Snapshot!);
    }

    private static string[] Errors(ValidationReport report) => [.. report.Errors.Select(e => e.ToString())];

    [Fact]
    public void Choose_ConditionsOnHeaderVariableAndSubscriptionWithOtherwise_ValidAndServable()
    {
        var report = Validate("""
            [ { "type": "set-variable", "name": "tier", "value": "gold" },
              { "type": "choose",
                "when": [ { "condition": "@(context.Request.Headers.GetValueOrDefault(\"X-Mode\", \"\") == \"mock\")",
                            "policies": [ { "type": "mock-response", "statusCode": 200 } ] },
                          { "condition": "@(context.Variables[\"tier\"] == \"gold\" && context.Subscription.Id != \"\")",
                            "policies": [ { "type": "choose", "when": [ { "condition": "true", "policies": [] } ] } ] } ],
                "otherwise": [ { "type": "return-response", "statusCode": 403 } ] } ]
            """);

        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Fact]
    public void Choose_NestedPolicyMissingAttribute_ErrorAtTheNestedPath()
    {
        var report = Validate("""
            [ { "type": "base" }, { "type": "choose", "when": [ { "condition": "true",
                "policies": [ { "type": "set-status", "code": 200 }, { "type": "set-header", "value": "x" } ] } ] } ]
            """);

        Assert.Equal(["apis[0].policies.inbound[1].when[0].policies[1].name: required by 'set-header'"], Errors(report));
    }

    [Fact]
    public void Choose_InOutbound_NestedInboundOnlyPolicyRefused()
    {
        var report = Validate("[]", outbound: """
            [ { "type": "choose", "when": [ { "condition": "true", "policies": [] } ],
                "otherwise": [ { "type": "check-header", "name": "X", "failedCheckHttpCode": 401, "failedCheckErrorMessage": "no" } ] } ]
            """);

        Assert.Equal(["apis[0].policies.outbound[0].otherwise[0].type: 'check-header' is not allowed in this section"], Errors(report));
    }

    [Fact]
    public void Choose_BaseInside_Refused()
    {
        var report = Validate("""[ { "type": "choose", "when": [ { "condition": "true", "policies": [ { "type": "base" } ] } ] } ]""");

        Assert.Equal(
            ["apis[0].policies.inbound[0].when[0].policies[0].type: 'base' is not allowed inside choose: it runs the outer scope's policies where the scope's own list places it"],
            Errors(report));
    }

    [Fact]
    public void Choose_ConditionOutsideTheSubset_RefusedWithPathAndTheCompilersMessage()
    {
        const string text = "@(context.Request.Body.As<string>() == \"x\")";
        var report = Validate($$"""[ { "type": "choose", "when": [ { "condition": "{{text.Replace("\"", "\\\"", StringComparison.Ordinal)}}", "policies": [] } ] } ]""");

        var expected = PolicyExpressions.CompileCondition(text, NamedValueSet.Empty, EdgeGateway.Contracts.Policies.Sections.Inbound).Errors;
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(e => $"apis[0].policies.inbound[0].when[0].condition: {e}"), Errors(report));
    }

    [Fact]
    public void Choose_ResponseInInboundCondition_Refused()
    {
        var report = Validate("""[ { "type": "choose", "when": [ { "condition": "@(context.Response.StatusCode == 200)" } ] } ]""");

        var error = Assert.Single(report.Errors);
        Assert.Equal("apis[0].policies.inbound[0].when[0].condition", error.Path);
    }

    [Theory]
    [InlineData("""{ "type": "choose" }""", "apis[0].policies.inbound[0].when: required by 'choose'")]
    [InlineData("""{ "type": "choose", "when": [] }""", "apis[0].policies.inbound[0].when: needs at least one { \"condition\", \"policies\" } branch")]
    [InlineData("""{ "type": "choose", "when": [ { "policies": [] } ] }""", "apis[0].policies.inbound[0].when[0].condition: required by a 'when' branch")]
    [InlineData("""{ "type": "choose", "when": [ { "condition": "true", "then": [] } ] }""", "apis[0].policies.inbound[0].when[0].then: unknown field of a 'when' branch (expected condition and policies)")]
    [InlineData("""{ "type": "choose", "when": [ { "condition": "@(context.Request.Method)" } ] }""", "apis[0].policies.inbound[0].when[0].condition: '@(context.Request.Method)': a condition must be a bool expression, not string")]
    [InlineData("""{ "type": "choose", "when": [ { "condition": "true" } ], "otherwise": {} }""", "apis[0].policies.inbound[0].otherwise: expected an array of policies")]
    [InlineData("""{ "type": "choose", "when": [ { "condition": "true", "policies": [ 5 ] } ] }""", "apis[0].policies.inbound[0].when[0].policies[0]: must be an object")]
    public void Choose_Malformed_ClearErrorAtItsPath(string choose, string expected)
    {
        var report = Validate($"[ {choose} ]");

        Assert.Contains(expected, Errors(report));
    }

    [Fact]
    public void Choose_NestedNamedValues_UndefinedRefusedAndDefinedOnesReferenced()
    {
        var inbound = """
            [ { "type": "choose", "when": [ { "condition": "@(context.Request.Headers.GetValueOrDefault(\"X\", \"\") == \"{{in-condition}}\")",
                "policies": [ { "type": "set-header", "name": "X-A", "value": "{{in-when}}" } ] } ],
                "otherwise": [ { "type": "choose", "when": [ { "condition": "true", "policies": [ { "type": "set-header", "name": "X-B", "value": "{{deep}}" } ] } ] } ] } ]
            """;
        var missing = Validate(inbound);
        Assert.Contains(missing.Errors, e => e.Path == "apis[0].policies.inbound[0].otherwise[0].when[0].policies[0].value" && e.Message.Contains("deep", StringComparison.Ordinal));

        var defined = """, "namedValues": [ { "id": "in-condition", "value": "1" }, { "id": "in-when", "value": "2" }, { "id": "deep", "value": "3" }, { "id": "other", "value": "4" } ]""";
        Assert.Empty(Validate(inbound, extra: defined).Errors);
        var snapshot = SnapshotReader.Parse(Samples.Utf8(Samples.OneApi($$"""
            { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] }, "policies": { "inbound": {{inbound}} } }
            """, defined))).Snapshot!;
        Assert.Equal(["deep", "in-condition", "in-when"], NamedValueReferences.In(snapshot).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{ "type": "mock-response", "statusCode": 700 }""", "apis[0].policies.inbound[0].statusCode: expected an HTTP status code, 100 to 599")]
    [InlineData("""{ "type": "mock-response", "contentType": "text/plain\r\nX-Injected: 1" }""", "apis[0].policies.inbound[0].contentType: 'text/plain\r\nX-Injected: 1' is not a media type (like application/json)")]
    [InlineData("""{ "type": "mock-response", "contentType": "@(context.Request.Method)" }""", "apis[0].policies.inbound[0].contentType: 'contentType' of 'mock-response' takes a literal, not an expression (as in APIM)")]
    public void MockResponse_BadAttributes_Refused(string mock, string expected)
    {
        Assert.Contains(expected, Errors(Validate($"[ {mock} ]")));
    }

    [Fact]
    public void Examples_WithoutStatusOrWithBadMediaType_Refused()
    {
        var report = Validate("[]", operations: """
            [ { "id": "o", "method": "GET", "urlTemplate": "/", "examples": [
                { "statusCode": 200, "contentType": "application/json", "body": "{}" }, { "body": "x" }, { "statusCode": 200, "contentType": "not a type" } ] } ]
            """);

        Assert.Equal(
            ["apis[0].operations[0].examples[1].statusCode: required: an HTTP status code, 100 to 599",
             "apis[0].operations[0].examples[2].contentType: 'not a type' is not a media type"],
            Errors(report));
    }

    [Theory]
    [InlineData(201, null, "created")]
    [InlineData(200, null, "json")]
    [InlineData(200, "TEXT/plain", "text")]
    [InlineData(404, null, null)]
    [InlineData(200, "application/xml", null)]
    public void ResponseExample_Select_FirstWithStatusAndContentTypeWhenGiven(int status, string? contentType, string? expectedBody)
    {
        ResponseExample[] examples =
        [
            new() { StatusCode = 200, ContentType = "application/json", Body = "json" },
            new() { StatusCode = 200, ContentType = "text/plain", Body = "text" },
            new() { StatusCode = 201, ContentType = "application/json", Body = "created" },
        ];

        Assert.Equal(expectedBody, ResponseExample.Select(examples, status, contentType)?.Body);
    }
}
