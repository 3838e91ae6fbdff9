using System.Text.Json;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Certificates;

/// <summary>
/// The certificates a document's authentication-certificate policies name, at every scope and inside nested policies
/// (choose, send-request): what the management plane sends a gateway, and nothing else.
/// </summary>
public static class CertificateReferences
{
    public const string PolicyType = "authentication-certificate";

    /// <summary>The <c>certificateId</c>s and <c>thumbprint</c>s named, each compared case-insensitively.</summary>
    public static (IReadOnlySet<string> Ids, IReadOnlySet<string> Thumbprints) In(GatewaySnapshot snapshot)
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var thumbprints = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Set(PolicySet? set)
        {
            foreach (var section in (ReadOnlySpan<IReadOnlyList<PolicyDefinition>?>)[set?.Inbound, set?.Backend, set?.Outbound, set?.OnError])
            {
                foreach (var policy in section ?? [])
                {
                    if (policy is null)
                    {
                        continue;
                    }

                    if (policy.Type == PolicyType)
                    {
                        Add(policy.Attributes, "certificateId", ids);
                        Add(policy.Attributes, "thumbprint", thumbprints);
                    }

                    foreach (var (_, value) in policy.Attributes ?? [])
                    {
                        Nested(value, ids, thumbprints);
                    }
                }
            }
        }

        Set(snapshot.Policies);
        foreach (var product in snapshot.Products ?? [])
        {
            Set(product?.Policies);
        }

        foreach (var api in snapshot.Apis ?? [])
        {
            Set(api?.Policies);
            foreach (var operation in api?.Operations ?? [])
            {
                Set(operation?.Policies);
            }
        }

        return (ids, thumbprints);
    }

    private static void Add(IReadOnlyDictionary<string, JsonElement>? attributes, string name, HashSet<string> into)
    {
        if (attributes is not null && attributes.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String)
        {
            into.Add(value.GetString()!);
        }
    }

    /// <summary>A policy written inside an attribute (choose's branches, send-request's children) is an object with a "type".</summary>
    private static void Nested(JsonElement value, HashSet<string> ids, HashSet<string> thumbprints)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    Nested(item, ids, thumbprints);
                }

                break;
            case JsonValueKind.Object:
                if (value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == PolicyType)
                {
                    if (value.TryGetProperty("certificateId", out var id) && id.ValueKind == JsonValueKind.String)
                    {
                        ids.Add(id.GetString()!);
                    }

                    if (value.TryGetProperty("thumbprint", out var thumbprint) && thumbprint.ValueKind == JsonValueKind.String)
                    {
                        thumbprints.Add(thumbprint.GetString()!);
                    }
                }

                foreach (var property in value.EnumerateObject())
                {
                    Nested(property.Value, ids, thumbprints);
                }

                break;
            default:
                break;
        }
    }
}
