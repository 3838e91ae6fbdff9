using EdgeGateway.Policies;
using static EdgeGateway.Tests.Policies.PipelineHarness;

namespace EdgeGateway.Tests.Policies;

public sealed class ScopeOrderTests
{
    private static readonly string AllScopes = Doc(
        global: $$"""{ "inbound": [ {{Mark("global")}} ] }""",
        products: $$"""
[ { "id": "gold", "apis": ["orders"], "policies": { "inbound": [ { "type": "base" }, {{Mark("product")}} ] } },
                        { "id": "plain", "apis": ["orders"] } ]
""",
        apis: $$"""
[ { "id": "orders", "path": "/orders", "backend": { "urls": ["http://127.0.0.1:1"] },
                     "policies": { "inbound": [ {{Mark("api")}}, { "type": "base" } ] },
                     "operations": [
                       { "id": "get", "method": "GET", "urlTemplate": "/{id}", "policies": { "inbound": [ { "type": "base" }, {{Mark("operation")}} ] } },
                       { "id": "replace", "method": "PUT", "urlTemplate": "/{id}", "policies": { "inbound": [ {{Mark("operation")}} ] } },
                       { "id": "list", "method": "GET", "urlTemplate": "/" } ] } ]
""");

    [Fact]
    public void Inbound_BaseAtEveryScope_EachScopeWhereItsScopePlacesBase()
    {
        var run = new PipelineHarness(AllScopes).Run("orders", "get", productId: "gold");

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Equal("api,global,product,operation", run.Http.Request.Headers["X-Order"].ToString());
    }

    [Fact]
    public void Inbound_NoSubscriptionProduct_ProductScopeSkipped()
    {
        var run = new PipelineHarness(AllScopes).Run("orders", "get");

        Inbound(run);

        Assert.Equal("api,global,operation", run.Http.Request.Headers["X-Order"].ToString());
    }

    [Fact]
    public void Inbound_ProductWithoutPolicies_SameAsNoProduct()
    {
        var run = new PipelineHarness(AllScopes).Run("orders", "get", productId: "plain");

        Inbound(run);

        Assert.Equal("api,global,operation", run.Http.Request.Headers["X-Order"].ToString());
    }

    [Fact]
    public void Inbound_OperationSectionWithoutBase_OuterScopesDoNotRun()
    {
        var run = new PipelineHarness(AllScopes).Run("orders", "replace", productId: "gold");

        Inbound(run);

        Assert.Equal("operation", run.Http.Request.Headers["X-Order"].ToString());
    }

    [Fact]
    public void Inbound_OperationWithoutPolicies_InheritsEverythingAbove()
    {
        var run = new PipelineHarness(AllScopes).Run("orders", "list", productId: "gold");

        Inbound(run);

        Assert.Equal("api,global,product", run.Http.Request.Headers["X-Order"].ToString());
    }

    [Fact]
    public void Outbound_OnlyInboundWritten_NothingRunsOnTheResponse()
    {
        var run = new PipelineHarness(AllScopes).Run("orders", "get", productId: "gold");

        Assert.Empty(run.Pipeline.Outbound);
        Assert.Equal(PolicyResult.Continue, Outbound(run));
    }

    [Fact]
    public void Compile_NoPoliciesAnywhere_EmptyPipelineForEveryProduct()
    {
        var harness = new PipelineHarness(Doc(
            products: """[ { "id": "gold", "apis": ["plain"] } ]""",
            apis: """[ { "id": "plain", "path": "/plain", "backend": { "urls": ["http://127.0.0.1:1"] } } ]"""));

        Assert.True(harness.Pipeline("plain").IsEmpty);
        Assert.True(harness.Pipeline("plain", productId: "gold").IsEmpty);
    }

    [Fact]
    public void Compile_ApiWithoutOperations_ApiPipelineHoldsGlobalAndApi()
    {
        var run = new PipelineHarness(Doc(
            global: $$"""{ "inbound": [ {{Mark("global")}} ] }""",
            apis: $$"""
[ { "id": "any", "path": "/any", "backend": { "urls": ["http://127.0.0.1:1"] },
                         "policies": { "inbound": [ { "type": "base" }, {{Mark("api")}} ] } } ]
""")).Run("any");

        Inbound(run);

        Assert.Equal("global,api", run.Http.Request.Headers["X-Order"].ToString());
    }
}
