using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Tests.Policies;

public sealed class NamedValueReferencesTests
{
    [Fact]
    public void In_PoliciesAtEveryScope_EveryReferenceOnceAndNothingElse()
    {
        var snapshot = SnapshotReader.Parse(Samples.Utf8("""
            { "schemaVersion": 1,
              "namedValues": [ { "id": "unused", "value": "u" } ],
              "policies": { "inbound": [ { "type": "set-header", "name": "X-A", "value": "{{global}} {{Global}}" } ] },
              "products": [ { "id": "p", "policies": { "outbound": [ { "type": "set-header", "name": "X", "values": ["{{product}}"] } ] } } ],
              "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://b/{{not-a-policy}}"] },
                "policies": { "onError": [ { "type": "return-response", "headers": [ { "name": "X", "value": "@(\"{{api}}\")" } ] } ] },
                "operations": [ { "id": "o", "method": "GET", "urlTemplate": "/", "policies": { "backend": [ { "type": "set-backend-service", "baseUrl": "{{operation}}{{{x}}}{{ }}" } ] } } ] } ] }
            """)).Snapshot!;

        var ids = NamedValueReferences.In(snapshot);

        // "{{Global}}" is "{{global}}" (ids are case-insensitive); "{{{x}}}" references "x" and "{{ }}" references " ", as the pattern reads them.
        Assert.Equal([" ", "api", "global", "operation", "product", "x"], ids.Order(StringComparer.Ordinal));
    }
}
