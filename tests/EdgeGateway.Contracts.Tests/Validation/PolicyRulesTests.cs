using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

public sealed class PolicyRulesTests
{
    [Fact]
    public void FamilyRule_Added_RunsOnItsTypesOnlyAfterTheSectionChecks()
    {
        var family = new RateLimitFamily();
        var context = new ValidationContext(new GatewaySnapshot(), new ValidationOptions(), new PolicyRules([family]));
        var set = new PolicySet
        {
            Inbound = [Policy("rate-limit"), Policy("set-header"), Policy("quota")],
            Outbound = [Policy("rate-limit")],
        };

        context.Policies.Validate("products[0].policies", set, PolicyScope.Product, context);

        Assert.Equal(["products[0].policies.inbound[0] (Product, Inbound)"], family.Seen);
        Assert.Equal(
            ["products[0].policies.inbound[0]: checked by the family", "products[0].policies.outbound[0].type: 'rate-limit' is not allowed in this section"],
            context.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void BasePolicyRule_GlobalScope_EveryBaseRefused()
    {
        var context = BaseOnly();

        context.Policies.Validate("p", new PolicySet { Inbound = [Policy("base"), Policy("base")] }, PolicyScope.Global, context);

        Assert.Equal(
            ["p.inbound[0]: 'base' has no outer scope to run at global scope", "p.inbound[1]: 'base' has no outer scope to run at global scope"],
            context.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void BasePolicyRule_OperationScope_OncePerSection()
    {
        var context = BaseOnly();

        context.Policies.Validate("p", new PolicySet { Inbound = [Policy("base"), null!, Policy("base")], Outbound = [Policy("base")] }, PolicyScope.Operation, context);

        Assert.Equal(["p.inbound[1]: must be an object", "p.inbound[2]: 'base' may appear only once per section"], context.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void PolicyAttributeRule_Alone_ChecksShapeOnly()
    {
        var context = new ValidationContext(new GatewaySnapshot(), new ValidationOptions(), new PolicyRules([new PolicyAttributeRule()]));
        var header = SnapshotReader.Parse(Samples.Utf8("""
            { "schemaVersion": 1, "policies": { "inbound": [ { "type": "set-header", "value": "{{token}} @(nope)" } ] } }
            """)).Snapshot!.Policies;

        context.Policies.Validate("policies", header, PolicyScope.Global, context);

        Assert.Equal(["policies.inbound[0].name: required by 'set-header'"], context.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void PolicyValueRule_Alone_ChecksNamedValues()
    {
        var snapshot = new GatewaySnapshot { NamedValues = [new NamedValueDefinition { Id = "token", Value = "t" }] };
        var context = new ValidationContext(snapshot, new ValidationOptions(), new PolicyRules([new PolicyValueRule()]));
        var header = SnapshotReader.Parse(Samples.Utf8("""
            { "schemaVersion": 1, "policies": { "inbound": [ { "type": "set-header", "value": "{{token}} {{nope}}" } ] } }
            """)).Snapshot!.Policies;

        context.Policies.Validate("policies", header, PolicyScope.Global, context);

        Assert.Equal(
            ["policies.inbound[0].value: references named value 'nope', which is not defined"],
            context.Errors.Select(e => e.ToString()));
    }

    private static PolicyDefinition Policy(string type) => new() { Type = type };

    private static ValidationContext BaseOnly() => new(new GatewaySnapshot(), new ValidationOptions(), new PolicyRules([new BasePolicyRule()]));

    private sealed class RateLimitFamily : IPolicyRule
    {
        public List<string> Seen { get; } = [];

        public bool AppliesTo(string type) => type is "rate-limit" or "rate-limit-by-key";

        public void Validate(PolicyItem item, ValidationContext context)
        {
            Seen.Add($"{item.Path} ({item.Scope}, {item.Section})");
            context.Error(item.Path, "checked by the family");
        }
    }
}
