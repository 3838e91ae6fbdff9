using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>Each section's rule class run alone finds exactly its section's problems: ids it refers to are known before any rule runs.</summary>
public sealed class SectionRulesTests
{
    private static readonly GatewaySnapshot EverySection = SnapshotReader.Parse(Samples.Utf8(ValidationOrderTests.EverySection)).Snapshot!;

    public static TheoryData<string> Sections => ["document", "namedValues", "apis", "products", "subscriptions", "policies"];

    [Theory]
    [MemberData(nameof(Sections))]
    public void Rules_RunAlone_FindTheirSectionsProblemsInOrder(string section)
    {
        var context = new ValidationContext(EverySection, new ValidationOptions { ExpectedGatewayId = "gw-1" });
        Action run = section switch
        {
            "document" => () => DocumentRules.Validate(EverySection, context),
            "namedValues" => () => NamedValueRules.Validate(EverySection.NamedValues!, context),
            "apis" => () => ApiRules.Validate(EverySection.Apis!, context),
            "products" => () => ProductRules.Validate(EverySection.Products!, context),
            "subscriptions" => () => SubscriptionRules.Validate(EverySection.Subscriptions!, context),
            _ => () => context.Policies.Validate("policies", EverySection.Policies, PolicyScope.Global, context),
        };

        run();

        string[] prefixes = section == "document" ? ["schemaVersion:", "revision:", "gatewayId:"] : [section == "policies" ? "policies." : section + "["];
        var expected = ValidationOrderTests.Expected
            .Where(p => prefixes.Any(x => p.StartsWith(x, StringComparison.Ordinal)));
        Assert.NotEmpty(context.Errors);
        Assert.Equal(expected, context.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void BackendRules_Alone_NamesPathsUnderTheGivenPrefix()
    {
        var context = Empty();

        BackendRules.Validate("b", new BackendDefinition { Urls = ["http://x", "http://X/"], LoadBalancing = LoadBalancingPolicies.First, Protocol = "h3" }, context);

        Assert.Equal(["b.urls[1]: duplicate backend URL", "b.protocol: 'h3' is not one of auto, http1, http2"], context.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void HealthCheckRules_DefaultInterval_BoundsTheTimeout()
    {
        var context = Empty();

        HealthCheckRules.Validate("hc", new HealthCheckDefinition { Path = "/health", Timeout = HealthCheckDefaults.Interval + TimeSpan.FromSeconds(1) }, context);

        Assert.Equal(["hc.timeout: must be more than zero and not longer than the interval"], context.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void OperationRules_Alone_RunsEachOperationsPolicies()
    {
        var context = Empty();
        var operations = new[]
        {
            new OperationDefinition { Id = "o", Method = OperationMethods.Any, UrlTemplate = "/x", Policies = new PolicySet { Inbound = [new PolicyDefinition { Type = "nope" }] } },
        };

        OperationRules.Validate("apis[0]", operations, context);

        Assert.Equal(["apis[0].operations[0].policies.inbound[0].type: unknown policy type 'nope'"], context.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void ValidationContext_Ids_OnlyValidOnesCaseInsensitive()
    {
        var snapshot = new GatewaySnapshot
        {
            Apis = [new ApiDefinition { Id = "Echo" }, new ApiDefinition { Id = "bad id" }, null!],
            Products = [new ProductDefinition { Id = "starter" }],
            NamedValues = [new NamedValueDefinition { Id = "token" }],
        };

        var context = new ValidationContext(snapshot, new ValidationOptions());

        Assert.True(context.ApiIds.SetEquals(["echo"]));
        Assert.True(context.ProductIds.SetEquals(["STARTER"]));
        Assert.True(context.NamedValueIds.SetEquals(["token"]));
    }

    private static ValidationContext Empty() => new(new GatewaySnapshot(), new ValidationOptions());
}
