using System.Text;
using EdgeGateway.Configuration;
using EdgeGateway.Tests.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Configuration;

/// <summary>The one path a new config takes, from a file or from the management plane: what serves afterwards, and why not.</summary>
public sealed class SnapshotApplierTests
{
    private static byte[] Plain(long revision, string api = "a") => Encoding.UTF8.GetBytes(
        $$"""{ "schemaVersion": 1, "revision": {{revision}}, "apis": [ { "id": "{{api}}", "path": "/{{api}}", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:9"] } } ] }""");

    private static (SnapshotApplier Applier, ConfigState State) Standalone()
    {
        var clock = new FakeTimeProvider(SyncHarness.Now);
        var state = new ConfigState(clock);
        var settings = GatewaySettings.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:ConfigFile"] = "/nonexistent/config.json",
        }).Build());
        return (new SnapshotApplier(state, settings, clock), state);
    }

    [Fact]
    public void Apply_FileWithAnOlderRevision_Applied_AFileIsWhatItsAuthorSays()
    {
        var (applier, state) = Standalone();
        applier.Apply(Plain(5), "file:/c.json", "file:/c.json");

        var result = applier.Apply(Plain(3, "b"), "file:/c.json", "file:/c.json");

        Assert.Equal(ApplyStatus.Applied, result.Status);
        Assert.Equal("b", Assert.Single(state.Current!.Apis).Id);
    }

    [Fact]
    public void Apply_InvalidFile_Refused_LastGoodServes_FailureRecorded()
    {
        var (applier, state) = Standalone();
        applier.Apply(Plain(1), "file:/c.json", "file:/c.json");

        var result = applier.Apply(Encoding.UTF8.GetBytes("""{ "schemaVersion": 1, "apis": [ { "id": "x" } ] }"""), "file:/c.json", "file:/c.json");

        Assert.Equal(ApplyStatus.Refused, result.Status);
        Assert.Equal(1, state.Current!.Revision);
        Assert.Equal("file:/c.json", state.LastFailure!.Source);
        Assert.Equal(result.Refusal, string.Join("; ", state.LastFailure.Problems));
    }

    [Fact]
    public void Apply_HybridUnsignedSnapshot_Refused()
    {
        using var sync = new SyncHarness();

        var result = sync.Applier.Apply(Encoding.UTF8.GetBytes("""{ "schemaVersion": 1, "gatewayId": "gw1", "revision": 9, "apis": [] }"""),
            "managementPlane:x", "management plane");

        Assert.Equal(ApplyStatus.Refused, result.Status);
        Assert.Contains("not signed", result.Refusal, StringComparison.Ordinal);
        Assert.Null(sync.State.Current);
    }

    [Fact]
    public void Apply_HybridOlderThanTheBackup_RefusedAsARollback_NamingTheBackups()
    {
        using var sync = new SyncHarness();
        sync.State.Apply(sync.FromBackup(sync.Signed(8)));

        var result = sync.Applier.Apply(sync.Signed(7), "managementPlane:x", "management plane");

        Assert.Equal(ApplyStatus.Refused, result.Status);
        Assert.Equal("revision 7 is older than the backed-up revision 8 (refusing a rollback; if the management plane's state was reset, "
            + "delete this gateway's backups)", result.Refusal);
        Assert.True(sync.State.Current!.FromBackup);
    }

    [Fact]
    public void Apply_HybridSameRevisionResigned_ServedFromThePlane_BackedUpAgain()
    {
        using var sync = new SyncHarness();
        sync.State.Apply(sync.FromBackup(sync.Signed(8)));
        var applied = new List<long>();
        sync.State.Applied += r => applied.Add(r.Revision);

        var result = sync.Applier.Apply(sync.Signed(8), "managementPlane:x", "management plane"); // ECDSA: other bytes each time

        Assert.Equal(ApplyStatus.Unchanged, result.Status);
        Assert.Equal("managementPlane:x", sync.State.Current!.Source);
        Assert.False(sync.State.Current.FromBackup); // the backup writer stores the plane's bytes
        Assert.Equal([8], applied);
    }
}
