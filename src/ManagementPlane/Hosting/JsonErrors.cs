using System.Text.Json;
using EdgeGateway.Contracts.Snapshot;

namespace ManagementPlane.Hosting;

/// <summary>Serializer exceptions as a JSON path and a message a user can act on: the gateway's own wording, so both planes say the same.</summary>
internal static class JsonErrors
{
    public static ProblemError Describe(JsonException ex)
    {
        var error = SnapshotReader.Describe(ex);
        return new ProblemError(error.Path, error.Message);
    }
}
