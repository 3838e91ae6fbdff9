using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies;
using EdgeGateway.Policies.Auth;
using EdgeGateway.Policies.Jwt;

namespace EdgeGateway.Tests.Policies.Auth;

/// <summary>authentication-managed-identity's step over a token source the test controls.</summary>
public sealed class AuthenticationManagedIdentityTests
{
    private sealed class FakeSource(string? token) : IAccessTokenSource
    {
        public List<(string Resource, string? ClientId)> Asked { get; } = [];

        public ValueTask<AccessToken> GetTokenAsync(string resource, string? clientId, CancellationToken cancellationToken)
        {
            Asked.Add((resource, clientId));
            return token is null
                ? ValueTask.FromException<AccessToken>(new AccessTokenException("identity endpoint unreachable"))
                : new(new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1)));
        }
    }

    private static (PipelineHarness Harness, FakeSource Source) Harness(string attributes, string? token = "mi-token", string namedValues = "[]")
    {
        var source = new FakeSource(token);
        var services = new PolicyServices(new OpenIdKeyCache(TimeSpan.FromMinutes(1))) { AccessTokens = source };
        var harness = new PipelineHarness($$"""
            { "schemaVersion": 1, "revision": 1, "namedValues": {{namedValues}},
              "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] }, "subscriptionRequired": false,
                "policies": { "inbound": [ { "type": "authentication-managed-identity" {{attributes}} } ] } } ] }
            """, services);
        return (harness, source);
    }

    private static PolicyResult Run(PolicyRun run) =>
        PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound).AsTask().GetAwaiter().GetResult();

    [Fact]
    public void Apply_TokenAtHand_BearerHeaderSetAndReusedAcrossRequests()
    {
        var (harness, source) = Harness(""", "resource": "https://storage.azure.com/", "clientId": "c1" """);

        var first = harness.Run("a", request: r => r.Headers.Authorization = "Basic from-the-client");
        var second = harness.Run("a");

        Assert.Equal((PolicyResult.Continue, PolicyResult.Continue), (Run(first), Run(second)));
        Assert.Equal("Bearer mi-token", first.Http.Request.Headers.Authorization.ToString());
        Assert.Same(first.Http.Request.Headers.Authorization.ToString(), second.Http.Request.Headers.Authorization.ToString());
        Assert.Equal([("https://storage.azure.com/", "c1"), ("https://storage.azure.com/", "c1")], source.Asked);
    }

    [Fact]
    public void Apply_ResourceFromANamedValue_ItsValueAsked()
    {
        var (harness, source) = Harness(""", "resource": "{{vault}}" """, namedValues: """[ { "id": "vault", "value": "https://vault.azure.net" } ]""");

        Run(harness.Run("a", request: r => r.Headers["X-Resource"] = "https://other.example"));

        Assert.Equal(("https://vault.azure.net", (string?)null), Assert.Single(source.Asked));
    }

    [Fact]
    public void Apply_OutputTokenVariableName_VariableSetHeaderUntouched()
    {
        var (harness, _) = Harness(""", "resource": "api://backend", "outputTokenVariableName": "msi" """);
        var run = harness.Run("a", request: r => r.Headers.Authorization = "Basic from-the-client");

        Assert.Equal(PolicyResult.Continue, Run(run));
        Assert.Equal("mi-token", run.Variable("msi"));
        Assert.Equal("Basic from-the-client", run.Http.Request.Headers.Authorization.ToString());
    }

    [Fact]
    public void Apply_NoToken_500WithAFixedMessage()
    {
        var (harness, _) = Harness(""", "resource": "api://backend" """, token: null);
        var run = harness.Run("a");

        Assert.Equal(PolicyResult.Failed, Run(run));
        Assert.Equal(new PolicyError("authentication-managed-identity", "TokenNotAvailable", "Managed identity token could not be obtained.", 500),
            run.LastError);
    }

    [Fact]
    public void Apply_NoTokenIgnoreError_GoesOnWithoutAHeader()
    {
        var (harness, _) = Harness(""", "resource": "api://backend", "ignoreError": true """, token: null);
        var run = harness.Run("a", request: r => r.Headers.Authorization = "Basic from-the-client");

        Assert.Equal(PolicyResult.Continue, Run(run));
        Assert.Equal("Basic from-the-client", run.Http.Request.Headers.Authorization.ToString());
        Assert.Null(run.LastError);
    }
}
