using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Tests.Snapshot;

public sealed class SubscriptionScopeTests
{
    [Theory]
    [InlineData("apis", SubscriptionScopeKind.AllApis, null, "apis")]
    [InlineData("/apis/", SubscriptionScopeKind.AllApis, null, "apis")]
    [InlineData("apis/echo", SubscriptionScopeKind.Api, "echo", "apis/echo")]
    [InlineData("/apis/echo", SubscriptionScopeKind.Api, "echo", "apis/echo")]
    [InlineData("products/starter", SubscriptionScopeKind.Product, "starter", "products/starter")]
    [InlineData("//products/starter/", SubscriptionScopeKind.Product, "starter", "products/starter")]
    public void TryParse_AcceptedForm_KindIdAndCanonicalText(string text, SubscriptionScopeKind kind, string? id, string canonical)
    {
        Assert.True(SubscriptionScope.TryParse(text, out var scope));

        Assert.Equal(kind, scope.Kind);
        Assert.Equal(id, scope.Id);
        Assert.Equal(canonical, scope.ToString());
        Assert.True(SubscriptionScope.TryParse(scope.ToString(), out var again));
        Assert.Equal(scope, again);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("APIS")]
    [InlineData("Products/p")]
    [InlineData("products")]
    [InlineData("products/")]
    [InlineData("apis//echo")]
    [InlineData("apis/echo/operations")]
    [InlineData("groups/admins")]
    public void TryParse_OtherText_Refused(string? text)
    {
        Assert.False(SubscriptionScope.TryParse(text, out var scope));
        Assert.Null(scope);
    }

    [Theory]
    [InlineData("apis", true)]
    [InlineData("apis/ECHO", true)]
    [InlineData("apis/other", false)]
    [InlineData("products/Starter", true)]
    [InlineData("products/gold", false)]
    public void Reaches_OneApiInItsProducts_AsTheGatewayAsks(string text, bool reaches)
    {
        var products = new HashSet<string>(["starter"], StringComparer.OrdinalIgnoreCase);
        Assert.True(SubscriptionScope.TryParse(text, out var scope));

        Assert.Equal(reaches, scope.Reaches("echo", products));
    }

    [Theory]
    [InlineData("apis", true)]
    [InlineData("apis/b", true)]
    [InlineData("apis/c", false)]
    [InlineData("products/p", true)]
    [InlineData("products/q", false)]
    public void Reaches_AGatewaysApisAndProducts_AsThePlaneAsks(string text, bool reaches)
    {
        var apis = new HashSet<string>(["a", "b"], StringComparer.OrdinalIgnoreCase);
        var products = new HashSet<string>(["p"], StringComparer.OrdinalIgnoreCase);
        Assert.True(SubscriptionScope.TryParse(text, out var scope));

        Assert.Equal(reaches, scope.Reaches(apis, products));
    }
}
