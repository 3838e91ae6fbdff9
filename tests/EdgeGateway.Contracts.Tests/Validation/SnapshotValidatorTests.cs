using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

public sealed class SnapshotValidatorTests
{
    private const string Backend = """ "backend": { "urls": ["http://127.0.0.1:5099"] } """;

    private static ValidationReport Validate(string json, ValidationOptions? options = null)
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8(json));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return SnapshotValidator.Validate(parsed.Snapshot!, options);
    }

    private static void AssertError(ValidationReport report, string path, string contains)
    {
        Assert.True(report.Errors.Any(e => e.Path == path && e.Message.Contains(contains, StringComparison.Ordinal)),
            $"expected '{path}: …{contains}…' among:\n{string.Join("\n", report.Errors)}");
    }

    [Fact]
    public void Validate_IssueSample_IsValidAndServable()
    {
        var report = Validate(Samples.IssueSample);

        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.True(report.IsValid); // rate-limit-by-key, its last unenforced policy, is enforced since issue 11
    }

    [Theory]
    [InlineData("Content-Length", true)]
    [InlineData("transfer-encoding", true)]
    [InlineData("Connection", true)]
    [InlineData("X-Team", false)]
    [InlineData("Host", false)]
    public void Validate_SetHeaderOnAFramingOrConnectionHeader_IsRefused(string header, bool refused)
    {
        var report = Validate($$"""
            { "schemaVersion": 1, "revision": 1, "apis": [ { "id": "a", "path": "/a", {{Backend}},
              "policies": { "inbound": [ { "type": "set-header", "name": "{{header}}", "value": "5" } ] } } ] }
            """);

        if (refused)
        {
            AssertError(report, "apis[0].policies.inbound[0].name", "managed by the gateway");
        }
        else
        {
            Assert.True(report.IsValid, string.Join("\n", report.Errors));
        }
    }

    [Fact]
    public void Validate_SetHeaderNameFromANamedValueIsAFramingHeader_IsRefused()
    {
        var report = Validate(Samples.OneApi(
            $$$"""{ "id": "a", "path": "/a", {{{Backend}}}, "policies": { "inbound": [ { "type": "set-header", "name": "{{hdr}}", "value": "5" } ] } }""",
            """, "namedValues": [ { "id": "hdr", "value": "Content-Length" } ]"""));

        AssertError(report, "apis[0].policies.inbound[0].name", "managed by the gateway");
    }

    [Theory]
    [InlineData("Transfer-Encoding", true)]
    [InlineData("{{hdr}}", true)]
    [InlineData("X-Team", false)]
    public void Validate_ReturnResponseHeaderOnAFramingHeader_IsRefused(string header, bool refused)
    {
        var report = Validate(Samples.OneApi(
            $$$"""{ "id": "a", "path": "/a", {{{Backend}}}, "policies": { "inbound": [ { "type": "return-response", "headers": [ { "name": "X-Ok", "value": "1" }, { "name": "{{{header}}}", "value": "chunked" } ] } ] } }""",
            """, "namedValues": [ { "id": "hdr", "value": "Connection" } ]"""));

        if (refused)
        {
            AssertError(report, "apis[0].policies.inbound[0].headers[1].name", "managed by the gateway");
        }
        else
        {
            Assert.True(report.IsValid, string.Join("\n", report.Errors));
        }
    }

    [Theory]
    [InlineData("ftp://host/x", "not an absolute http(s) URL")]
    [InlineData("/relative", "not an absolute http(s) URL")]
    [InlineData("http://", "not an absolute http(s) URL")]
    [InlineData("http://host/x?q=1", "must not carry a query")]
    [InlineData("http://user:pw@host/", "credentials")]
    public void Validate_BadBackendUrl_NamesTheUrl(string url, string message)
    {
        var report = Validate(Samples.OneApi($$"""{ "id": "a", "path": "/a", "backend": { "urls": ["http://ok:1", "{{url}}"] } }"""));

        AssertError(report, "apis[0].backend.urls[1]", message);
    }

    [Theory]
    [InlineData("gw1\n")]
    [InlineData("gw1\r\n")]
    [InlineData("gw1 ")]
    public void IsValidId_TrailingNewlineOrSpace_False(string id) => Assert.False(SnapshotValidator.IsValidId(id));

    [Fact]
    public void Validate_HeaderNameWithTrailingNewline_IsError()
    {
        var report = Validate(Samples.OneApi("""{ "id": "a\n", "path": "/a", "subscriptionKeyParameterNames": { "header": "X-Key\n" }, "backend": { "urls": ["http://ok:1"] } }"""));

        AssertError(report, "apis[0].id", "");
        AssertError(report, "apis[0].subscriptionKeyParameterNames.header", "not a valid header name");
    }

    [Fact]
    public void Validate_DuplicateIds_AreErrors()
    {
        var report = Validate($$"""
            { "schemaVersion": 1,
              "apis": [ { "id": "a", "path": "/a", {{Backend}} }, { "id": "A", "path": "/b", {{Backend}} } ],
              "products": [ { "id": "p" }, { "id": "p" } ],
              "subscriptions": [ { "id": "s", "scope": "apis", "primaryKey": "k1" }, { "id": "s", "scope": "apis", "primaryKey": "k2" } ] }
            """);

        AssertError(report, "apis[1].id", "duplicate API id");
        AssertError(report, "products[1].id", "duplicate product id");
        AssertError(report, "subscriptions[1].id", "duplicate subscription id");
    }

    [Theory]
    [InlineData("/echo", "echo")]
    [InlineData("/echo", "/ECHO/")]
    [InlineData("", "/")]
    public void Validate_ConflictingPrefixes_AreErrors(string first, string second)
    {
        var report = Validate($$"""
            { "schemaVersion": 1, "apis": [ { "id": "a", "path": "{{first}}", {{Backend}} }, { "id": "b", "path": "{{second}}", {{Backend}} } ] }
            """);

        AssertError(report, "apis[1].path", "conflicts with apis[0]");
    }

    [Fact]
    public void Validate_NestedPrefixes_AreAllowed()
    {
        var report = Validate($$"""
            { "schemaVersion": 1, "apis": [ { "id": "a", "path": "/v1", {{Backend}} }, { "id": "b", "path": "/v1/orders", {{Backend}} } ] }
            """);

        Assert.True(report.IsValid, string.Join("\n", report.Errors));
    }

    [Theory]
    [InlineData("/healthz", "reserved")]
    [InlineData("/healthz/x", "reserved")]
    [InlineData("/a b", "may use only")]
    [InlineData("/a/../b", "'.' or '..'")]
    public void Validate_BadApiPath_IsError(string path, string message)
    {
        var report = Validate(Samples.OneApi($$"""{ "id": "a", "path": "{{path}}", {{Backend}} }"""));

        AssertError(report, "apis[0].path", message);
    }

    [Fact]
    public void Validate_UnknownPolicyType_IsErrorNamingIt()
    {
        var report = Validate(Samples.OneApi($$"""{ "id": "a", "path": "/a", {{Backend}}, "policies": { "inbound": [ { "type": "rate-limt" } ] } }"""));

        AssertError(report, "apis[0].policies.inbound[0].type", "unknown policy type 'rate-limt'");
    }

    [Fact]
    public void Validate_PolicyShape_IsChecked()
    {
        var report = Validate(Samples.OneApi($$"""
            { "id": "a", "path": "/a", {{Backend}}, "policies": { "inbound": [
                { "type": "rate-limit-by-key", "calls": "five", "counterKey": "x", "colour": 1 },
                { "type": "set-header", "name": "X", "existsAction": "replace" } ],
              "outbound": [ { "type": "rate-limit", "calls": 1, "renewalPeriod": 1 } ] } }
            """));

        AssertError(report, "apis[0].policies.inbound[0].calls", "expected a whole number");
        AssertError(report, "apis[0].policies.inbound[0].colour", "unknown attribute");
        AssertError(report, "apis[0].policies.inbound[0].renewalPeriod", "required");
        AssertError(report, "apis[0].policies.inbound[1].existsAction", "expected one of");
        AssertError(report, "apis[0].policies.outbound[0].type", "not allowed in this section");
    }

    [Fact]
    public void Validate_BaseAtGlobalScopeOrTwice_IsError()
    {
        var report = Validate(Samples.OneApi(
            $$"""{ "id": "a", "path": "/a", {{Backend}}, "policies": { "inbound": [ { "type": "base" }, { "type": "base" } ] } }""",
            """, "policies": { "inbound": [ { "type": "base" } ] }"""));

        AssertError(report, "apis[0].policies.inbound[1]", "only once");
        AssertError(report, "policies.inbound[0]", "global scope");
    }

    [Fact]
    public void Validate_OnlyBasePolicies_IsServable()
    {
        var report = Validate(Samples.OneApi($$"""{ "id": "a", "path": "/a", {{Backend}}, "policies": { "inbound": [ { "type": "base" } ] } }"""));

        Assert.True(report.IsValid);
    }

    [Fact]
    public void Validate_SubscriptionRules()
    {
        var report = Validate($$"""
            { "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", {{Backend}} } ],
              "subscriptions": [
                { "id": "s1", "scope": "products/nope", "primaryKey": "k1" },
                { "id": "s2", "scope": "apis/a", "primaryKey": "k1" },
                { "id": "s3", "scope": "apis", "primaryKeyHash": "not-base64" },
                { "id": "s4", "scope": "apis", "state": "paused", "primaryKey": "k4" },
                { "id": "s5", "scope": "apis" } ] }
            """);

        AssertError(report, "subscriptions[0].scope", "no product with id 'nope'");
        AssertError(report, "subscriptions[1].primaryKey", "already used by subscriptions[0].primaryKey");
        AssertError(report, "subscriptions[2].primaryKeyHash", "base64 SHA-256");
        AssertError(report, "subscriptions[3].state", "'paused' is not one of");
        AssertError(report, "subscriptions[4]", "needs primaryKey");
        Assert.DoesNotContain(report.Errors, e => e.Message.Contains("k1", StringComparison.Ordinal)); // keys are never echoed
    }

    [Fact]
    public void Validate_PlainKeysRefusedWhenOnlyHashesAllowed()
    {
        var report = Validate($$"""
            { "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", {{Backend}} } ],
              "subscriptions": [ { "id": "s1", "scope": "apis", "primaryKey": "plain" },
                                 { "id": "s2", "scope": "apis", "primaryKeyHash": "{{SubscriptionKeyHash.Compute("k")}}" } ] }
            """, new ValidationOptions { AllowPlainKeys = false });

        AssertError(report, "subscriptions[0].primaryKey", "plain keys are not accepted");
        Assert.Single(report.Errors);
    }

    [Fact]
    public void Validate_NamedValueReferences_MustExist()
    {
        var report = Validate(Samples.OneApi(
            $$$"""{ "id": "a", "path": "/a", {{{Backend}}}, "policies": { "inbound": [ { "type": "set-header", "name": "X", "value": "{{token}} {{missing}}" } ] } }""",
            """, "namedValues": [ { "id": "token", "value": "t" } ]"""));

        AssertError(report, "apis[0].policies.inbound[0].value", "named value 'missing'");
        Assert.Single(report.Errors);
    }

    [Fact]
    public void Validate_Operations_MethodTemplateAndConflicts()
    {
        var report = Validate(Samples.OneApi($$"""
            { "id": "a", "path": "/a", {{Backend}}, "operations": [
              { "id": "o1", "method": "GET", "urlTemplate": "/items/{id}" },
              { "id": "o2", "method": "GET", "urlTemplate": "/items/{other}" },
              { "id": "o3", "method": "get", "urlTemplate": "/x" },
              { "id": "o4", "method": "POST", "urlTemplate": "x" } ] }
            """));

        AssertError(report, "apis[0].operations[1].urlTemplate", "same requests as apis[0].operations[0]");
        AssertError(report, "apis[0].operations[2].method", "upper case");
        AssertError(report, "apis[0].operations[3].urlTemplate", "must start with '/'");
    }

    [Fact]
    public void Validate_ComplexSegments_ValidUnlessAdjacentParametersOrTheSameShape()
    {
        var report = Validate(Samples.OneApi($$"""
            { "id": "a", "path": "/a", {{Backend}}, "operations": [
              { "id": "o1", "method": "GET", "urlTemplate": "/records/{id}.{format}" },
              { "id": "o2", "method": "POST", "urlTemplate": "/v1/{name}:cancel" },
              { "id": "o3", "method": "GET", "urlTemplate": "/records/{rid}.{fmt}" },
              { "id": "o4", "method": "GET", "urlTemplate": "/a/{x}{y}" },
              { "id": "o5", "method": "GET", "urlTemplate": "/records/{id}" },
              { "id": "o6", "method": "GET", "urlTemplate": "/records/latest.json" } ] }
            """));

        AssertError(report, "apis[0].operations[2].urlTemplate", "same requests as apis[0].operations[0]");
        AssertError(report, "apis[0].operations[3].urlTemplate", "segment '{x}{y}': parameters '{x}' and '{y}' need literal text between them");
        Assert.Equal(2, report.Errors.Count);
    }

    [Fact]
    public void Validate_BackendOptions_AreChecked()
    {
        var report = Validate(Samples.OneApi($$"""
            { "id": "a", "path": "/a", "backend": { "urls": ["http://a:1"], "loadBalancing": "fastest", "protocol": "h3",
              "timeout": "00:00:00", "healthCheck": { "path": "health", "interval": "00:00:01", "timeout": "00:00:05", "unhealthyThreshold": 0 } } }
            """));

        AssertError(report, "apis[0].backend.loadBalancing", "'fastest' is not one of");
        AssertError(report, "apis[0].backend.protocol", "'h3' is not one of");
        AssertError(report, "apis[0].backend.timeout", "more than zero");
        AssertError(report, "apis[0].backend.healthCheck.path", "must start with '/'");
        AssertError(report, "apis[0].backend.healthCheck.timeout", "not longer than the interval");
        AssertError(report, "apis[0].backend.healthCheck.unhealthyThreshold", "at least 1");
    }

    [Fact]
    public void Validate_SchemaVersionAndGatewayId()
    {
        var report = Validate("""{ "schemaVersion": 2, "gatewayId": "gw-2" }""", new ValidationOptions { ExpectedGatewayId = "gw-1" });

        AssertError(report, "schemaVersion", "2 is not supported");
        AssertError(report, "gatewayId", "for gateway 'gw-2', not 'gw-1'");
    }

    [Fact]
    public void Validate_MissingRequiredParts_AreNamed()
    {
        var report = Validate("""{ "schemaVersion": 1, "apis": [ { "id": "a" } ], "products": [ { "id": "p", "apis": ["zzz"] } ] }""");

        AssertError(report, "apis[0].path", "required");
        AssertError(report, "apis[0].backend", "required");
        AssertError(report, "products[0].apis[0]", "no API with id 'zzz'");
    }
}
