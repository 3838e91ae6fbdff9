using System.Text.Json;
using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// The identity policies, beyond their attribute kinds. authentication-managed-identity: a resource that is not empty and
/// a client id known at load (APIM: no expressions; named values yes). validate-azure-ad-token: a tenant (GUID or domain),
/// one token source, compiled lists (application ids, audiences, claims: literals or named values, as validate-jwt's)
/// and at least one of clientApplicationIds, audiences or backendApplicationIds, so that not every token of the tenant passes.
/// </summary>
internal sealed class IdentityRules : IPolicyRule
{
    public const string ManagedIdentity = "authentication-managed-identity";

    public const string AzureAdToken = "validate-azure-ad-token";

    public bool AppliesTo(string type) => type is ManagedIdentity or AzureAdToken;

    public void Validate(PolicyItem item, ValidationContext context)
    {
        var attributes = item.Policy.Attributes ?? [];
        if (item.Policy.Type == ManagedIdentity)
        {
            if (attributes.TryGetValue("resource", out var resource) && resource.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(resource.GetString()))
            {
                context.Error($"{item.Path}.resource", "required: the audience to get a token for, like https://storage.azure.com/ or an application id");
            }

            JwtRules.Literal(item, context, attributes, "clientId");
            return;
        }

        if (attributes.TryGetValue("tenantId", out var tenant) && tenant.ValueKind == JsonValueKind.String
            && JwtRules.Constant(tenant.GetString()!, context, $"{item.Path}.tenantId", out var tenantText, AzureAdToken) && tenantText is not null
            && EntraTenant.Check(tenantText) is { } problem)
        {
            context.Error($"{item.Path}.tenantId", problem);
        }

        JwtRules.TokenSource(item, context, attributes);
        JwtRules.FailedValidationHttpCode(item, context, attributes);
        foreach (var list in new[] { "clientApplicationIds", "backendApplicationIds", "audiences" })
        {
            JwtRules.StringList(item, context, attributes, list);
        }

        JwtRules.RequiredClaims(item, context, attributes);
        if (!new[] { "clientApplicationIds", "backendApplicationIds", "audiences" }.Any(name =>
            attributes.TryGetValue(name, out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0))
        {
            context.Error(item.Path, "validate-azure-ad-token needs clientApplicationIds, audiences or backendApplicationIds: without, every token of the tenant passes");
        }
    }
}
