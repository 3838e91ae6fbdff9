using System.Text.Json.Serialization;

namespace EdgeGateway.Contracts.Snapshot;

/// <summary>
/// The only way snapshots are read and written (source-generated: no reflection under AOT).
/// Unknown fields are errors so that a typo cannot silently change behaviour.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowTrailingCommas = false,
    AllowDuplicateProperties = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    WriteIndented = false)]
[JsonSerializable(typeof(GatewaySnapshot))]
public sealed partial class SnapshotJsonContext : JsonSerializerContext;
