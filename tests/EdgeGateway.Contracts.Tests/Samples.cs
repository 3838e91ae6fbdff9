using System.Text;

namespace EdgeGateway.Contracts.Tests;

internal static class Samples
{
    /// <summary>The document issue 2 says schema v1 must parse, verbatim.</summary>
    public const string IssueSample = """
        { "schemaVersion": 1, "revision": 1,
          "apis": [
            { "id": "echo", "path": "/echo", "subscriptionRequired": true,
              "backend": { "urls": ["http://127.0.0.1:5099"] },
              "operations": [ { "id": "get-item", "method": "GET", "urlTemplate": "/items/{id}" } ],
              "policies": { "inbound": [ { "type": "base" },
                { "type": "rate-limit-by-key", "calls": 5, "renewalPeriod": 60, "counterKey": "@(context.Subscription.Id)" } ] } } ],
          "products": [ { "id": "starter", "apis": ["echo"], "subscriptionRequired": true } ],
          "subscriptions": [ { "id": "alice", "scope": "products/starter", "primaryKey": "alice-key-1", "state": "active" } ],
          "namedValues": [ { "id": "backend-token", "value": "s3cr3t", "secret": true } ],
          "policies": { "inbound": [ { "type": "set-header", "name": "X-Gateway", "value": "edge" } ] } }
        """;

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A minimal valid document with one API whose JSON can be spliced.</summary>
    public static string OneApi(string apiJson, string extra = "") =>
        $$"""{ "schemaVersion": 1, "revision": 3, "apis": [ {{apiJson}} ] {{extra}} }""";
}
