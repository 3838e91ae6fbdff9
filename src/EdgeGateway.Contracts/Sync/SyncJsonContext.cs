using System.Text.Json.Serialization;

namespace EdgeGateway.Contracts.Sync;

/// <summary>Source-generated JSON for the sync wire types (camelCase; unknown fields skipped so either side can add optional fields).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HeartbeatRequest))]
public sealed partial class SyncJsonContext : JsonSerializerContext;
