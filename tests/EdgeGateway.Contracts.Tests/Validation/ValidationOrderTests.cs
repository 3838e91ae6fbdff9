using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>
/// A document with a mistake in every section: the report lists each problem once, in document order
/// (what `check` and the status page print), with the same paths and messages.
/// </summary>
public sealed class ValidationOrderTests
{
    internal const string EverySection = """
        { "schemaVersion": 7, "revision": -1, "gatewayId": "bad id",
          "namedValues": [ null, { "id": "nv", "value": "{{other}}" }, { "id": "NV", "value": "x" }, { "id": "empty" } ],
          "apis": [
            null,
            { "id": "a", "path": "/a", "subscriptionKeyParameterNames": { "header": "X Key", "query": "k=" },
              "backend": { "urls": ["http://a:1/", "http://A:1", "ftp://x", "http://h/?q"], "loadBalancing": "fastest", "protocol": "h3",
                "timeout": "02:00:00", "healthCheck": { "interval": "00:00:00.05", "timeout": "00:00:01", "unhealthyThreshold": 0, "healthyThreshold": 0 } },
              "operations": [ null, { "method": "get", "urlTemplate": "/x" }, { "id": "o", "method": "GET", "urlTemplate": "/i/{a}" },
                { "id": "O", "method": "GET", "urlTemplate": "/i/{b}" }, { "id": "o2" } ],
              "policies": { "inbound": [ null, { }, { "type": "nope" }, { "type": "cache-store", "duration": 1 }, { "type": "base", "x": 1 },
                  { "type": "base" }, { "type": "set-header", "name": 1, "values": [1], "existsAction": "replace", "value": "{{missing}} {{nv}}" } ],
                "onError": [ { "type": "set-variable", "name": "v", "value": { "a": ["{{gone}}"] } } ] } },
            { "id": "b c", "path": "/A/" },
            { "id": "d", "backend": { "urls": [] } },
            { "id": "e", "path": "/e", "backend": { "urls": ["http://e"] } } ],
          "products": [ null, { "id": "p", "state": "hidden", "apis": ["a", "zzz", "A", null],
              "policies": { "inbound": [ { "type": "rate-limit", "calls": -1, "renewalPeriod": 1.5 } ] } }, { "id": "P" } ],
          "subscriptions": [ null,
            { "id": "s1", "scope": "products/nope", "state": "paused", "primaryKey": " k", "secondaryKey": "k2" },
            { "id": "s2", "scope": "apis/nope", "primaryKey": "k2", "primaryKeyHash": "x" },
            { "id": "s3", "scope": "/apis/a/", "primaryKeyHash": "bad" },
            { "id": "s4", "scope": "everything", "secondaryKey": "k4" },
            { "id": "s5" },
            { "id": "s6", "scope": "products/P", "primaryKey": "k6" },
            { "id": "s7", "scope": "apis/e", "primaryKey": "k4" } ],
          "policies": { "inbound": [ { "type": "base" } ], "outbound": [ { "type": "cache-lookup", "varyByDeveloper": true } ] } }
        """;

    internal static readonly string[] Expected =
    [
        "schemaVersion: 7 is not supported; this build reads schema version 1",
        "revision: must not be negative",
        "gatewayId: not a valid id (letters, digits, '-', '_', '.', up to 80 characters)",
        "gatewayId: this snapshot is for gateway 'bad id', not 'gw-1'",
        "namedValues[0]: must be an object",
        "namedValues[1].value: a named value must not reference another named value",
        "namedValues[2].id: duplicate named value id 'NV'",
        "namedValues[3].value: required",
        "apis[0]: must be an object",
        "apis[1].subscriptionKeyParameterNames.header: not a valid header name",
        "apis[1].subscriptionKeyParameterNames.query: not a valid query parameter name",
        "apis[1].backend.urls[1]: duplicate backend URL",
        "apis[1].backend.urls[2]: not an absolute http(s) URL",
        "apis[1].backend.urls[3]: must not carry a query, fragment or credentials",
        "apis[1].backend.loadBalancing: 'fastest' is not one of roundRobin, random, leastRequests, powerOfTwoChoices, first",
        "apis[1].backend.protocol: 'h3' is not one of auto, http1, http2",
        "apis[1].backend.timeout: must be more than zero and at most 01:00:00",
        "apis[1].backend.healthCheck.path: required, and must start with '/'",
        "apis[1].backend.healthCheck.interval: must be at least 00:00:00.1",
        "apis[1].backend.healthCheck.timeout: must be more than zero and not longer than the interval",
        "apis[1].backend.healthCheck.unhealthyThreshold: must be at least 1",
        "apis[1].backend.healthCheck.healthyThreshold: must be at least 1",
        "apis[1].operations[0]: must be an object",
        "apis[1].operations[1].id: required",
        "apis[1].operations[1].method: 'get' is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, TRACE, * (upper case)",
        "apis[1].operations[3].id: duplicate operation id 'O'",
        "apis[1].operations[3].urlTemplate: matches the same requests as apis[1].operations[2]",
        "apis[1].operations[4].method: required",
        "apis[1].operations[4].urlTemplate: required",
        "apis[1].policies.inbound[0]: must be an object",
        "apis[1].policies.inbound[1].type: required (the APIM policy name, like \"rate-limit-by-key\")",
        "apis[1].policies.inbound[2].type: unknown policy type 'nope'",
        "apis[1].policies.inbound[3].type: 'cache-store' is not allowed in this section",
        "apis[1].policies.inbound[4].x: unknown attribute for 'base'",
        "apis[1].policies.inbound[5]: 'base' may appear only once per section",
        "apis[1].policies.inbound[6].name: expected a string",
        "apis[1].policies.inbound[6].values: expected an array of strings",
        "apis[1].policies.inbound[6].existsAction: expected one of override, skip, append, delete",
        "apis[1].policies.inbound[6].value: references named value 'missing', which is not defined",
        "apis[1].policies.onError[0].value: expected a string",
        "apis[1].policies.onError[0].value.a[0]: references named value 'gone', which is not defined",
        "apis[2].id: 'b c' is not a valid API id (letters, digits, '-', '_', '.', up to 80 characters)",
        "apis[2].path: '/A/' conflicts with apis[1] (same path prefix)",
        "apis[2].backend: required",
        "apis[3].path: required (use \"/\" to serve the API at the root)",
        "apis[3].backend.urls: at least one backend URL is required",
        "products[0]: must be an object",
        "products[1].state: 'hidden' is not one of published, notPublished",
        "products[1].apis[1]: no API with id 'zzz'",
        "products[1].apis[2]: API 'A' is listed twice",
        "products[1].apis[3]: no API with id ''",
        "products[1].policies.inbound[0].calls: expected a whole number from 0 to 2147483647",
        "products[1].policies.inbound[0].renewalPeriod: expected a whole number from 0 to 2147483647",
        "products[2].id: duplicate product id 'P'",
        "subscriptions[0]: must be an object",
        "subscriptions[1].state: 'paused' is not one of active, suspended, cancelled, expired, submitted, rejected",
        "subscriptions[1].scope: no product with id 'nope'",
        "subscriptions[1].primaryKey: must be non-empty, without control characters or surrounding spaces",
        "subscriptions[2].scope: no API with id 'nope'",
        "subscriptions[2].primaryKey: give either primaryKey or primaryKeyHash, not both",
        "subscriptions[3].primaryKeyHash: must be the base64 SHA-256 of the key (32 bytes)",
        "subscriptions[4].scope: 'everything' is not \"products/{id}\", \"apis/{id}\" or \"apis\"",
        "subscriptions[5].scope: required: \"products/{id}\", \"apis/{id}\" or \"apis\" for all APIs",
        "subscriptions[5]: needs primaryKey (or primaryKeyHash)",
        "subscriptions[7].primaryKey: the same key is already used by subscriptions[4].secondaryKey",
        "policies.inbound[0]: 'base' has no outer scope to run at global scope",
        "policies.outbound[0].type: 'cache-lookup' is not allowed in this section",
    ];

    [Fact]
    public void Validate_MistakeInEverySection_ListsEachInDocumentOrder()
    {
        var parsed = SnapshotReader.Parse(Samples.Utf8(EverySection));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));

        var report = SnapshotValidator.Validate(parsed.Snapshot!, new ValidationOptions { ExpectedGatewayId = "gw-1" });

        Assert.Equal(Expected, report.Problems);
    }
}
