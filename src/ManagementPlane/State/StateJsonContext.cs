using System.Text.Json.Serialization;
using ManagementPlane.Sync;

namespace ManagementPlane.State;

/// <summary>The head record's JSON; unknown fields are skipped so a newer plane's state stays readable.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ManagementState))]
[JsonSerializable(typeof(StoredHeartbeat))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
