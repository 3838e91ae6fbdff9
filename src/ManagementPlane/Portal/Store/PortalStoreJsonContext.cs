using System.Text.Json.Serialization;

namespace ManagementPlane.Portal.Store;

/// <summary>The portal's stored objects; unknown fields are skipped so a newer plane's objects stay readable.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PortalAccount))]
[JsonSerializable(typeof(PortalSettings))]
[JsonSerializable(typeof(ApiContent))]
[JsonSerializable(typeof(ProductContent))]
[JsonSerializable(typeof(StoredInvitation))]
internal sealed partial class PortalStoreJsonContext : JsonSerializerContext;
