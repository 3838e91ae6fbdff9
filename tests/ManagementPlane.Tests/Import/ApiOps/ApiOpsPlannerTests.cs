using ManagementPlane.Import.ApiOps;

namespace ManagementPlane.Tests.Import.ApiOps;

public sealed class ApiOpsPlannerTests
{
    private const long Limit = 1024 * 1024;

    private static ApiOpsPlan Plan(Dictionary<string, string?>? changes = null, Dictionary<string, string>? supplied = null) =>
        ApiOpsPlanner.Plan(ApiOpsSample.Folder(changes), supplied ?? ApiOpsSample.KeyVaultValue, Limit);

    private static MigrationEntry Entry(ApiOpsPlan plan, string kind, string name) => Assert.Single(plan.Entries, e => e.Kind == kind && e.Name == name);

    [Fact]
    public void Plan_Sample_EveryArtifactTranslated()
    {
        var plan = Plan();

        Assert.False(plan.AnyRefused, string.Join("\n", plan.Entries.SelectMany(e => e.Details)));
        Assert.Equal(["inventory", "orders"], plan.Apis.Select(a => a.Id));
        var orders = plan.Apis.Single(a => a.Id == "orders");
        Assert.Equal(("Orders", "/orders", true), (orders.Name, orders.Path, orders.SubscriptionRequired));
        Assert.Equal("Ocp-Apim-Subscription-Key", orders.SubscriptionKeyParameterNames!.Header);
        Assert.Equal(["http://127.0.0.1:9/orders"], orders.Backend!.Urls!);
        Assert.Equal(["listOrders", "createOrder", "getOrder"], orders.Operations!.Select(o => o.Id));
        Assert.Equal("rate-limit", orders.Operations!.Single(o => o.Id == "createOrder").Policies!.Inbound![1].Type);
        Assert.Equal("return-response", orders.Operations!.Single(o => o.Id == "getOrder").Policies!.Inbound![1].Type);
        Assert.Equal(["base", "include-fragment", "set-header"], orders.Policies!.Inbound!.Select(p => p.Type));
        Assert.Equal(["starter", "unlimited"], plan.Products.Select(p => p.Id));
        Assert.Equal(["orders"], plan.Products[0].Apis!);
        Assert.Equal(["inventory", "orders"], plan.Products[1].Apis!.Order());
        Assert.Equal("quota", plan.Products[0].Policies!.Inbound![1].Type);
        Assert.Equal(("onprem-dc1", "DC1"), (plan.Gateways.Single().Id!, plan.Gateways.Single().Name!));
        Assert.Equal(["orders", "inventory"], plan.Gateways.Single().Apis!);
        Assert.Equal("add-imported-by", Assert.Single(plan.Fragments).Id);
        Assert.Equal("set-header", plan.GlobalPolicies!.Inbound!.Single().Type);
    }

    [Fact]
    public void Plan_KeyVaultNamedValueWithSuppliedValue_SecretAndReportedChanged()
    {
        var plan = Plan();

        var secret = plan.NamedValues.Single(n => n.Id == "partner-secret");
        Assert.Equal(("s3cret-from-key-vault", true), (secret.Value, secret.Secret));
        var entry = Entry(plan, "namedValue", "partner-secret");
        Assert.Equal(MigrationOutcomes.Changed, entry.Outcome);
        Assert.Contains("kv-contoso.vault.azure.net", Assert.Single(entry.Details), StringComparison.Ordinal);
        Assert.Equal(MigrationOutcomes.Imported, Entry(plan, "namedValue", "backend-token").Outcome);
    }

    [Fact]
    public void Plan_KeyVaultNamedValueWithoutValue_RefusedSayingHowToSupplyIt()
    {
        var plan = Plan(supplied: []);

        var entry = Entry(plan, "namedValue", "partner-secret");
        Assert.Equal(MigrationOutcomes.Refused, entry.Outcome);
        Assert.Contains("--named-value partner-secret=VALUE", entry.Details[0], StringComparison.Ordinal);
        Assert.True(plan.AnyRefused);
    }

    [Fact]
    public void Plan_BackendNamedByPolicy_BecomesBaseUrlAndApiBackend()
    {
        var plan = Plan();

        var inventory = plan.Apis.Single(a => a.Id == "inventory");
        Assert.Equal(["http://127.0.0.1:9/inventory"], inventory.Backend!.Urls!);
        var setBackend = inventory.Policies!.Inbound![1];
        Assert.Equal("set-backend-service", setBackend.Type);
        Assert.Equal("http://127.0.0.1:9/inventory", setBackend.Attributes!["baseUrl"].GetString());
        var entry = Entry(plan, "api", "inventory");
        Assert.Equal(MigrationOutcomes.Changed, entry.Outcome);
        Assert.Contains(entry.Details, d => d.Contains("backend-id=\"inventory-backend\" became base-url", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_ProductSubscriptionsLimitAndLoggers_ChangedAndIgnored()
    {
        var plan = Plan();

        Assert.Contains("subscriptionsLimit 1 is not enforced", Assert.Single(Entry(plan, "product", "starter").Details), StringComparison.Ordinal);
        Assert.Equal(MigrationOutcomes.Imported, Entry(plan, "product", "unlimited").Outcome);
        Assert.Equal(MigrationOutcomes.Ignored, Entry(plan, "loggers", "*").Outcome);
        Assert.Equal(MigrationOutcomes.Imported, Entry(plan, "gateway", "onprem-dc1").Outcome);
        Assert.Equal(MigrationOutcomes.Imported, Entry(plan, "policyFragment", "add-imported-by").Outcome);
    }

    [Fact]
    public void Plan_UntranslatablePolicy_RefusedWithFileLineAndColumn()
    {
        var plan = Plan(new()
        {
            ["apis/orders/operations/getOrder/policy.xml"] = "<policies>\n\t<inbound>\n\t\t<base />\n\t\t<xml-to-json kind=\"direct\" apply=\"always\" />\n\t</inbound>\n</policies>",
        });

        var entry = Entry(plan, "api", "orders");
        Assert.Equal(MigrationOutcomes.Refused, entry.Outcome);
        Assert.Contains(entry.Details, d => d.StartsWith("apis/orders/operations/getOrder/policy.xml:4:", StringComparison.Ordinal) && d.Contains("xml-to-json", StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Apis, a => a.Id == "orders");
        // Whoever names the refused API is refused too, so nothing dangles.
        Assert.Equal(MigrationOutcomes.Refused, Entry(plan, "product", "starter").Outcome);
        Assert.Equal(MigrationOutcomes.Refused, Entry(plan, "gateway", "onprem-dc1").Outcome);
    }

    [Theory]
    [InlineData("""{ "properties": { "displayName": "Old", "path": "old", "serviceUrl": "http://127.0.0.1:9", "isCurrent": false } }""", "not the current revision")]
    [InlineData("""{ "properties": { "displayName": "Soap", "path": "soap", "serviceUrl": "http://127.0.0.1:9", "type": "soap" } }""", "type 'soap'")]
    [InlineData("""{ "properties": { "displayName": "V2", "path": "v", "serviceUrl": "http://127.0.0.1:9", "apiVersionSetId": "/apiVersionSets/x" } }""", "versioned API")]
    [InlineData("""{ "properties": { "displayName": "NoBackend", "path": "nb" } }""", "no serviceUrl")]
    [InlineData("""not json""", "not valid JSON")]
    public void Plan_ApiThatDoesNotTranslate_RefusedWithReason(string information, string reason)
    {
        var plan = Plan(new() { ["apis/extra/apiInformation.json"] = information });

        var entry = Entry(plan, "api", "extra");
        Assert.Equal(MigrationOutcomes.Refused, entry.Outcome);
        Assert.Contains(entry.Details, d => d.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_OperationPolicyForUnknownOperation_Refused()
    {
        var plan = Plan(new() { ["apis/orders/operations/deleteOrder/policy.xml"] = "<policies><inbound><base /></inbound></policies>" });

        Assert.Contains(Entry(plan, "api", "orders").Details, d => d.Contains("no operation 'deleteOrder'", StringComparison.Ordinal));
    }

    [Fact]
    public void Report_Text_OneLinePerArtifactAndTheVerdict()
    {
        var plan = Plan(supplied: []);
        var report = new MigrationReport(true, false, null, MigrationReport.Summarize(plan.Entries), plan.Entries, []);

        var text = report.ToText();

        Assert.Contains("refused  namedValue partner-secret  (namedValues/partner-secret/namedValueInformation.json)", text, StringComparison.Ordinal);
        Assert.Contains("imported api orders", text, StringComparison.Ordinal);
        Assert.Contains("1 refused", text, StringComparison.Ordinal);
        Assert.EndsWith("Dry run: nothing was applied; as it is, the import would be refused.\n", text, StringComparison.Ordinal);
    }
}
