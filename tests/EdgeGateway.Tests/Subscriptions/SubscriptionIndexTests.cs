using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Routing;
using EdgeGateway.Subscriptions;

namespace EdgeGateway.Tests.Subscriptions;

public sealed class SubscriptionIndexTests
{
    private static readonly ApiRoute Orders = new(new ApiDefinition
    {
        Id = "orders",
        Path = "/orders",
        Backend = new BackendDefinition { Urls = ["http://127.0.0.1:1"] },
    }, ["gold"]);

    private static readonly SubscriptionIndex Index = new([
        new SubscriptionDefinition { Id = "by-product", Scope = "products/gold", PrimaryKey = "p-key" },
        new SubscriptionDefinition { Id = "by-api", Scope = "apis/orders", PrimaryKeyHash = SubscriptionKeyHash.Compute("h-key") },
        new SubscriptionDefinition { Id = "other-api", Scope = "apis/billing", PrimaryKey = "o-key" },
        new SubscriptionDefinition { Id = "all", Scope = "/apis", PrimaryKey = "all-key", SecondaryKey = "all-key-2" },
        new SubscriptionDefinition { Id = "gone", Scope = "apis", PrimaryKey = "gone-key", State = "cancelled" },
    ]);

    [Theory]
    [InlineData("p-key", "by-product")]
    [InlineData("h-key", "by-api")]
    [InlineData("all-key", "all")]
    [InlineData("all-key-2", "all")]
    public void Check_KeyInScope_IsValidAndIdentifiesSubscription(string key, string id)
    {
        var check = Index.Check(key, Orders);

        Assert.Equal(SubscriptionOutcome.Valid, check.Outcome);
        Assert.Equal(id, check.SubscriptionId);
    }

    [Fact]
    public void Runtime_UnpublishedProduct_GrantsNothing()
    {
        var runtime = new GatewayRuntime(new GatewaySnapshot
        {
            SchemaVersion = 1,
            Apis = [new ApiDefinition { Id = "a", Path = "/a", Backend = new BackendDefinition { Urls = ["http://127.0.0.1:1"] } }],
            Products = [new ProductDefinition { Id = "draft", Apis = ["a"], State = "notPublished" }, new ProductDefinition { Id = "live", Apis = ["a"] }],
            Subscriptions = [new SubscriptionDefinition { Id = "d", Scope = "products/draft", PrimaryKey = "d-key" },
                new SubscriptionDefinition { Id = "l", Scope = "products/live", PrimaryKey = "l-key" }],
        }, "test", DateTimeOffset.UnixEpoch);
        var api = runtime.Apis[0];

        Assert.Equal(SubscriptionOutcome.Invalid, runtime.Subscriptions.Check("d-key", api).Outcome);
        Assert.Equal(SubscriptionOutcome.Valid, runtime.Subscriptions.Check("l-key", api).Outcome);
    }

    [Theory]
    [InlineData(null, "Missing")]
    [InlineData("", "Missing")]
    [InlineData("o-key", "Invalid")]
    [InlineData("nope", "Invalid")]
    [InlineData("gone-key", "Inactive")]
    public void Check_OtherKeys_AreRefused(string? key, string outcome)
    {
        Assert.Equal(Enum.Parse<SubscriptionOutcome>(outcome), Index.Check(key, Orders).Outcome);
    }
}
