using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeGateway.Contracts.Snapshot;

/// <summary>The four APIM policy sections of one scope.</summary>
public sealed record PolicySet
{
    public IReadOnlyList<PolicyDefinition>? Inbound { get; init; }

    public IReadOnlyList<PolicyDefinition>? Backend { get; init; }

    public IReadOnlyList<PolicyDefinition>? Outbound { get; init; }

    public IReadOnlyList<PolicyDefinition>? OnError { get; init; }
}

/// <summary>
/// One policy: APIM's element name as <c>type</c> and its attributes, camel-cased, beside it.
/// Attributes stay raw JSON here; <see cref="Policies.PolicyCatalog"/> checks their shape, and the
/// policy engine binds them to typed settings.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed class PolicyDefinition
{
    public string? Type { get; set; }

    // A settable class, not a record: System.Text.Json cannot bind extension data through a constructor.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Attributes { get; set; }
}
