using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>Every value the shared lists name is one a document may use: the lists are the validator's, not a copy.</summary>
public sealed class AllowedValuesTests
{
    public static TheoryData<string, string> Values()
    {
        var data = new TheoryData<string, string>();
        foreach (var v in LoadBalancingPolicies.All)
        {
            data.Add("loadBalancing", v);
        }

        foreach (var v in BackendProtocols.All)
        {
            data.Add("protocol", v);
        }

        foreach (var v in ProductStates.All)
        {
            data.Add("productState", v);
        }

        foreach (var v in SubscriptionStates.All)
        {
            data.Add("subscriptionState", v);
        }

        foreach (var v in OperationMethods.All)
        {
            data.Add("method", v);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Validate_EachListedValue_Accepted(string field, string value)
    {
        var snapshot = new GatewaySnapshot
        {
            SchemaVersion = SnapshotValidator.SupportedSchemaVersion,
            Apis = [new ApiDefinition
            {
                Id = "a",
                Path = "/a",
                Backend = new BackendDefinition
                {
                    Urls = ["http://a:1"],
                    LoadBalancing = field == "loadBalancing" ? value : null,
                    Protocol = field == "protocol" ? value : null,
                },
                Operations = [new OperationDefinition { Id = "o", Method = field == "method" ? value : "GET", UrlTemplate = "/x" }],
            }],
            Products = [new ProductDefinition { Id = "p", Apis = ["a"], State = field == "productState" ? value : null }],
            Subscriptions = [new SubscriptionDefinition
            {
                Id = "s",
                Scope = SubscriptionScope.AllApis.ToString(),
                PrimaryKey = "k",
                State = field == "subscriptionState" ? value : null,
            }],
        };

        var report = SnapshotValidator.Validate(snapshot);

        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }
}
