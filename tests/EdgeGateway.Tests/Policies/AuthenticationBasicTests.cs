using EdgeGateway.Policies;

namespace EdgeGateway.Tests.Policies;

/// <summary>authentication-basic on the request the backend gets.</summary>
public sealed class AuthenticationBasicTests
{
    private static PipelineHarness Harness(string username, string password, string namedValues = "[]") => new($$"""
        { "schemaVersion": 1, "revision": 1, "namedValues": {{namedValues}},
          "apis": [ { "id": "a", "path": "/a", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] },
                      "policies": { "inbound": [ { "type": "authentication-basic", "username": "{{username}}", "password": "{{password}}" } ] } } ] }
        """);

    [Fact]
    public void Inbound_SecretNamedValuePassword_ReplacesTheClientsAuthorization()
    {
        var harness = Harness("gateway", "{{pw}}", """[ { "id": "pw", "value": "pä:ss", "secret": true } ]""");
        var run = harness.Run("a", request: r => r.Headers.Authorization = "Bearer client-token");

        Assert.Equal(PolicyResult.Continue, PipelineHarness.Inbound(run));
        Assert.Equal("Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("gateway:pä:ss")), run.Http.Request.Headers.Authorization.ToString());
    }

    [Fact]
    public void Inbound_UsernameFromExpression_ComputedPerRequest()
    {
        var harness = Harness("@(context.Request.Headers.GetValueOrDefault(\\\"X-User\\\", \\\"anon\\\"))", "pw");

        var first = harness.Run("a", request: r => r.Headers["X-User"] = "alice");
        var second = harness.Run("a");
        PipelineHarness.Inbound(first);
        PipelineHarness.Inbound(second);

        Assert.Equal(Contracts.Policies.AuthenticationBasic.HeaderValue("alice", "pw"), first.Http.Request.Headers.Authorization.ToString());
        Assert.Equal(Contracts.Policies.AuthenticationBasic.HeaderValue("anon", "pw"), second.Http.Request.Headers.Authorization.ToString());
    }
}
