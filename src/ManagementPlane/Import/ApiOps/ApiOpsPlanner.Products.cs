using System.Text.Json;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Config;

namespace ManagementPlane.Import.ApiOps;

/// <summary>Products and gateways, and the API lists both carry (<c>apis.json</c> or <c>apis/&lt;name&gt;/</c>).</summary>
internal sealed partial class ApiOpsPlanner
{
    private void PlanProducts()
    {
        foreach (var name in folder.Folders("products"))
        {
            var source = $"products/{name}/productInformation.json";
            var notes = new ArtifactNotes("product", name, source);
            var id = Id(name, "product", notes);
            if (Properties(source, notes) is { } properties)
            {
                var state = ApiOpsJson.String(properties, "state") ?? ProductStates.Published;
                if (!ProductStates.All.Contains(state))
                {
                    notes.Refuse($"state '{state}' is not one of {string.Join(", ", ProductStates.All)}");
                }

                if (properties.TryGetProperty("subscriptionsLimit", out var limit) && limit.ValueKind == JsonValueKind.Number)
                {
                    notes.Change($"subscriptionsLimit {limit.GetRawText()} is not enforced (EdgeGateway has no per-product subscription limit)");
                }

                if (ApiOpsJson.String(properties, "terms") is { Length: > 0 })
                {
                    notes.Change("the terms of use are not imported (the developer portal does not show them)");
                }

                var apis = ProductApis(name, notes);
                var policies = Policies($"products/{name}/policy.xml", notes);
                if (!notes.Refused)
                {
                    plan.Products.Add(new ProductDefinition
                    {
                        Id = id,
                        Name = ApiOpsJson.String(properties, "displayName") ?? name,
                        State = state,
                        SubscriptionRequired = ApiOpsJson.Bool(properties, "subscriptionRequired"),
                        ApprovalRequired = ApiOpsJson.Bool(properties, "approvalRequired"),
                        Apis = apis,
                        Policies = policies,
                    });
                }
            }

            plan.Entries.Add(notes.ToEntry());
        }
    }

    private List<string> ProductApis(string product, ArtifactNotes notes) => AssignedApis($"products/{product}", notes);

    private void PlanGateways()
    {
        foreach (var name in folder.Folders("gateways"))
        {
            var source = $"gateways/{name}/gatewayInformation.json";
            var notes = new ArtifactNotes("gateway", name, source);
            var id = Id(name, "gateway", notes);
            if (Properties(source, notes) is { } properties)
            {
                var location = ApiOpsJson.Object(properties, "locationData") is { } l ? ApiOpsJson.String(l, "name") : null;
                var apis = AssignedApis($"gateways/{name}", notes);
                if (!notes.Refused)
                {
                    plan.Gateways.Add(new ConfigGateway { Id = id, Name = location ?? name, Description = ApiOpsJson.String(properties, "description"), Apis = apis });
                }
            }

            plan.Entries.Add(notes.ToEntry());
        }
    }

    /// <summary>An <c>apis.json</c> (older extractors) or an <c>apis/&lt;name&gt;/</c> folder per API (newer ones).</summary>
    private List<string> AssignedApis(string owner, ArtifactNotes notes)
    {
        var names = new List<string>();
        if (folder.Read($"{owner}/apis.json") is { } list)
        {
            var (read, error) = ApiOpsJson.Names(list);
            if (error is not null)
            {
                notes.Refuse($"{owner}/apis.json: {error}");
            }
            else
            {
                names.AddRange(read!);
            }
        }

        names.AddRange(folder.Folders($"{owner}/apis"));
        var ids = new List<string>();
        foreach (var name in names.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (apiIds.TryGetValue(name, out var id))
            {
                ids.Add(id);
            }
            else
            {
                notes.Refuse($"names the API '{name}', which the folder does not import (missing, refused, or a non-current revision)");
            }
        }

        return ids;
    }
}
