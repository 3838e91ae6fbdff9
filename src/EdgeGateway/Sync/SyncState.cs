using System.Text.Json.Serialization;

namespace EdgeGateway.Sync;

/// <summary>Where the sync with the management plane stands, as <c>managementPlane.state</c> in the status JSON says it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SyncState>))]
internal enum SyncState
{
    /// <summary>No answer yet.</summary>
    [JsonStringEnumMemberName("starting")]
    Starting,

    /// <summary>The plane answered with what is served (200 applied, or 304).</summary>
    [JsonStringEnumMemberName("connected")]
    Connected,

    [JsonStringEnumMemberName("unreachable")]
    Unreachable,

    /// <summary>The plane refused the gateway token (401/403).</summary>
    [JsonStringEnumMemberName("unauthorized")]
    Unauthorized,

    /// <summary>The gateway refused the plane's snapshot (signature, validation, rollback, size).</summary>
    [JsonStringEnumMemberName("refused")]
    Refused,

    /// <summary>Any other answer.</summary>
    [JsonStringEnumMemberName("error")]
    Error,
}
