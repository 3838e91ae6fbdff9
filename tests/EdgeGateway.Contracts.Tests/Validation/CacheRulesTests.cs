using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>cache-lookup and cache-store: enforced, and refused at load where the gateway could not do what they say.</summary>
public sealed class CacheRulesTests
{
    private const string Lookup = """{ "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false }""";

    private static ValidationReport Validate(string inbound, string outbound)
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8(Samples.OneApi($$"""
            { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
              "policies": { "inbound": {{inbound}}, "outbound": {{outbound}} } }
            """)));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return SnapshotValidator.Validate(parsed.Snapshot!);
    }

    private static string[] Errors(ValidationReport report) => [.. report.Errors.Select(e => e.ToString())];

    [Fact]
    public void LookupAndStore_WithEveryAttribute_ServableByThisBuild()
    {
        var report = Validate("""
            [ { "type": "cache-lookup", "varyByDeveloper": true, "varyByDeveloperGroups": true, "varyByHeaders": [ "Accept", "Accept-Language" ],
                "varyByQueryParameters": [ "version" ], "downstreamCachingType": "public", "mustRevalidate": false,
                "allowPrivateResponseCaching": true } ]
            """, """[ { "type": "cache-store", "duration": 3600, "cacheResponse": true, "maxSize": 65536 } ]""");

        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Theory]
    [InlineData("""{ "type": "cache-store", "duration": 0 }""", "apis[0].policies.outbound[0].duration: expected seconds to keep the response: at least 1")]
    [InlineData("""{ "type": "cache-store", "duration": 60, "maxSize": 0 }""", "apis[0].policies.outbound[0].maxSize: expected bytes of body an entry may hold: 1 to 16777216 (16 MiB)")]
    [InlineData("""{ "type": "cache-store", "duration": 60, "maxSize": 16777217 }""", "apis[0].policies.outbound[0].maxSize: expected bytes of body an entry may hold: 1 to 16777216 (16 MiB)")]
    [InlineData("""{ "type": "cache-store", "duration": 60, "maxSize": 67108864 }""", "apis[0].policies.outbound[0].maxSize: expected bytes of body an entry may hold: 1 to 16777216 (16 MiB)")]
    public void Store_OutOfRange_ErrorNamesTheAttribute(string store, string error)
    {
        Assert.Equal([error], Errors(Validate($"[ {Lookup} ]", $"[ {store} ]")));
    }

    [Fact]
    public void Lookup_VaryByHeaderThatIsNoHeaderName_Error()
    {
        var report = Validate("""
            [ { "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false, "varyByHeaders": [ "Accept", "Bad Header" ] } ]
            """, "[]");

        Assert.Equal(["apis[0].policies.inbound[0].varyByHeaders[1]: 'Bad Header' is not a header name (an HTTP token)"], Errors(report));
    }

    [Fact]
    public void Lookup_VaryByAnExpression_Error()
    {
        var report = Validate("""
            [ { "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false,
                "varyByQueryParameters": [ "@(context.Request.Method)" ] } ]
            """, "[]");

        Assert.Equal(["apis[0].policies.inbound[0].varyByQueryParameters[0]: 'cache-lookup' takes a literal here (or named values), not an expression: it is compiled once, at load"],
            Errors(report));
    }

    [Fact]
    public void SecondLookupInASection_Error()
    {
        var report = Validate($"[ {Lookup}, {Lookup} ]", "[]");

        Assert.Equal(["apis[0].policies.inbound[1]: a second 'cache-lookup' in this section (the first is [0]): APIM allows the policy once per section"],
            Errors(report));
    }
}
