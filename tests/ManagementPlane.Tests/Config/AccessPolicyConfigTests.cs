using System.Text.Json.Nodes;
using EdgeGateway.Contracts.Net;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Config;

/// <summary>The management plane runs the same ip-filter and cors rules as a gateway: what one refuses, the other refuses, in the same words.</summary>
public sealed class AccessPolicyConfigTests : IAsyncLifetime
{
    private const string Document = """
        { "schemaVersion": 1,
          "apis": [ { "id": "echo", "path": "/echo", "backend": { "urls": ["http://127.0.0.1:9"] }, "policies": { "inbound": [] } } ],
          "gateways": [ { "id": "gw1", "apis": ["echo"] } ] }
        """;

    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    private static string With(string inbound)
    {
        var doc = JsonNode.Parse(Document)!;
        doc["apis"]![0]!["policies"]!["inbound"] = JsonNode.Parse(inbound);
        return doc.ToJsonString();
    }

    [Fact]
    public async Task PutConfig_IpFilterAndCors_Accepted()
    {
        await plane.PutOkAsync("/config", With("""
            [ { "type": "cors", "allowedOrigins": ["https://app.example.com"], "allowedMethods": ["GET", "PUT"] },
              { "type": "ip-filter", "action": "allow", "addresses": ["10.0.0.0/8", "2001:db8::/32"],
                "addressRanges": [ { "from": "198.51.100.1", "to": "198.51.100.9" } ] } ]
            """));
    }

    [Fact]
    public async Task PutConfig_BadCidrAndCredentialsWithAnyOrigin_400WithTheGatewaysMessages()
    {
        var problem = await Problem.AssertAsync(await plane.PutAsync("/config", With("""
            [ { "type": "cors", "allowCredentials": true, "allowedOrigins": ["*"] },
              { "type": "ip-filter", "action": "allow", "addresses": ["10.0.0.1/8"] } ]
            """)), 400);

        var errors = problem["errors"]!.AsArray().Select(e => (Path: e!["path"]!.GetValue<string>(), Message: e["message"]!.GetValue<string>())).ToList();
        Assert.Contains(("apis[0].policies.inbound[1].addresses[0]", IpText.ParseEntry("10.0.0.1/8", out _)!), errors);
        Assert.Contains(errors, e => e.Path == "apis[0].policies.inbound[0].allowCredentials" && e.Message.Contains("allowedOrigins is '*'", StringComparison.Ordinal));
    }
}
