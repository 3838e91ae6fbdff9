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

public sealed class SubscriptionKeyCacheTests
{
    private static readonly ApiRoute Orders = new(new ApiDefinition
    {
        Id = "orders",
        Path = "/orders",
        Backend = new BackendDefinition { Urls = ["http://127.0.0.1:1"] },
    }, []);

    private static SubscriptionIndex Index(int capacity = SubscriptionIndex.CacheCapacity, int count = 3) =>
        new(Enumerable.Range(1, count).Select(i => new SubscriptionDefinition { Id = $"s{i}", Scope = "apis", PrimaryKey = $"key-{i}" }), capacity);

    [Fact]
    public void ValidKey_IsRemembered_AndStillValidFromTheCache()
    {
        var index = Index();

        var first = index.Check("key-1", Orders);
        var second = index.Check("key-1", Orders);

        Assert.Equal(1, index.CachedKeys);
        Assert.Equal((SubscriptionOutcome.Valid, "s1"), (first.Outcome, first.SubscriptionId));
        Assert.Equal((SubscriptionOutcome.Valid, "s1"), (second.Outcome, second.SubscriptionId));
    }

    [Theory]
    [InlineData("key-")]
    [InlineData("key-11")]
    [InlineData("Key-1")]
    [InlineData("key-1 ")]
    public void KeysNearARememberedOne_AreStillInvalid_AndNotRemembered(string wrong)
    {
        var index = Index();
        index.Check("key-1", Orders);

        Assert.Equal(SubscriptionOutcome.Invalid, index.Check(wrong, Orders).Outcome);
        Assert.Equal(SubscriptionOutcome.Invalid, index.Check(wrong, Orders).Outcome);
        Assert.Equal(1, index.CachedKeys);
    }

    [Fact]
    public void Cache_IsBounded_AndKeysBeyondItAreCheckedTheSlowWay()
    {
        var index = Index(capacity: 2, count: 5);

        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal($"s{i}", index.Check($"key-{i}", Orders).SubscriptionId);
        }

        Assert.Equal(2, index.CachedKeys);
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal($"s{i}", index.Check($"key-{i}", Orders).SubscriptionId);
        }
    }

    [Fact]
    public void RememberedKey_OfASubscriptionOutOfScope_IsStillRefusedForThatApi()
    {
        var index = new SubscriptionIndex([new SubscriptionDefinition { Id = "b", Scope = "apis/billing", PrimaryKey = "b-key" }]);
        var billing = new ApiRoute(new ApiDefinition { Id = "billing", Path = "/billing", Backend = new BackendDefinition { Urls = ["http://127.0.0.1:1"] } }, []);

        Assert.Equal(SubscriptionOutcome.Valid, index.Check("b-key", billing).Outcome);
        Assert.Equal(SubscriptionOutcome.Invalid, index.Check("b-key", Orders).Outcome);
    }

    [Fact]
    public void SipHash_MatchesTheReferenceVectors()
    {
        // The SipHash paper's key 00 01 .. 0f; vectors_sip64 of the reference implementation for inputs 00 01 .. (n-1).
        var key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var sip = new SipHash(key);

        Assert.Equal(0x726fdb47dd0e0e31UL, sip.Hash(ReadOnlySpan<byte>.Empty));
        Assert.Equal(0xa129ca6149be45e5UL, sip.Hash(Enumerable.Range(0, 15).Select(i => (byte)i).ToArray()));
    }
}
