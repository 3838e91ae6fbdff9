using System.Text.Json;
using EdgeGateway.Errors;
using EdgeGateway.Health;
using EdgeGateway.Sync;

namespace EdgeGateway.Tests.Sync;

/// <summary><c>managementPlane.state</c> in the status JSON: the same lower-case words as always, from the <see cref="SyncState"/> enum.</summary>
public sealed class SyncStatusTests
{
    [Theory]
    [InlineData(SyncState.Starting, "starting")]
    [InlineData(SyncState.Connected, "connected")]
    [InlineData(SyncState.Unreachable, "unreachable")]
    [InlineData(SyncState.Unauthorized, "unauthorized")]
    [InlineData(SyncState.Refused, "refused")]
    [InlineData(SyncState.Error, "error")]
    internal void Snapshot_StatusJson_StateAsTheDocumentedWord(SyncState state, string word)
    {
        using var sync = new SyncHarness();
        if (state == SyncState.Connected)
        {
            sync.Status.Connected(SyncHarness.Now);
        }
        else if (state != SyncState.Starting)
        {
            sync.Status.Problem(state, "something", SyncHarness.Now);
        }

        var body = new StatusBody("ready", "0.0.0", 1, "managementPlane:x", 0, 0, 0, null, sync.Status.Snapshot(SyncHarness.Now), null);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(body, GatewayJsonContext.Default.StatusBody));

        Assert.Equal(word, json.RootElement.GetProperty("managementPlane").GetProperty("state").GetString());
    }
}
