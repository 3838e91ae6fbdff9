using System.Net;
using EdgeGateway.Sync;

namespace EdgeGateway.Tests.Sync;

/// <summary>One ask of the management plane, answered in process: what it comes to and what serves afterwards.</summary>
public sealed class SnapshotPollerTests : IDisposable
{
    private readonly SyncHarness sync = new();

    public void Dispose() => sync.Dispose();

    [Fact]
    public async Task PollAsync_NewSnapshot_Applied_ServedFromTheManagementPlane()
    {
        sync.Answer = _ => SyncHarness.Respond(HttpStatusCode.OK, sync.Signed(3), 3);

        var outcome = await sync.Poller.PollAsync(CancellationToken.None);

        Assert.Equal(new PollOutcome(PollResult.Applied, null, 3), outcome);
        Assert.Equal(3, sync.State.Current!.Revision);
        Assert.Equal("managementPlane:http://127.0.0.1:1/", sync.State.Current.Source);
        Assert.Null(Assert.Single(sync.ETagsSent)); // a starting gateway asks for whatever is newest, without waiting
    }

    [Fact]
    public async Task PollAsync_NotModifiedAtOnce_NotModified_AskAgainAfterThePollInterval()
    {
        sync.Answer = _ => SyncHarness.Respond(HttpStatusCode.OK, sync.Signed(3), 3);
        await sync.Poller.PollAsync(CancellationToken.None);
        sync.Answer = _ => SyncHarness.Respond(HttpStatusCode.NotModified);

        var outcome = await sync.Poller.PollAsync(CancellationToken.None);

        Assert.Equal(new PollOutcome(PollResult.NotModified, null, 3, AnsweredEarly: true), outcome);
        Assert.Equal("\"3\"", sync.ETagsSent.Last());
    }

    [Fact]
    public async Task PollAsync_TokenRefused_Unauthorized_WithThePlanesReason_StillServing()
    {
        sync.State.Apply(sync.FromBackup(sync.Signed(2)));
        sync.Answer = _ => SyncHarness.Problem(HttpStatusCode.Unauthorized, "expired token");

        var outcome = await sync.Poller.PollAsync(CancellationToken.None);

        Assert.Equal(new PollOutcome(PollResult.Unauthorized, "expired token", 2), outcome);
        Assert.Equal(2, sync.State.Current!.Revision);
    }

    [Fact]
    public async Task PollAsync_ServerError_BadAnswer_NamingTheStatus()
    {
        sync.Answer = _ => SyncHarness.Problem(HttpStatusCode.InternalServerError, "store offline");

        var outcome = await sync.Poller.PollAsync(CancellationToken.None);

        Assert.Equal(PollResult.BadAnswer, outcome.Result);
        Assert.Equal("management plane answered 500: store offline", outcome.Problem);
    }

    [Fact]
    public async Task PollAsync_ConnectionRefused_Unreachable()
    {
        sync.Answer = _ => throw new HttpRequestException("Connection refused (127.0.0.1:1)");

        var outcome = await sync.Poller.PollAsync(CancellationToken.None);

        Assert.Equal(new PollOutcome(PollResult.Unreachable, "Connection refused (127.0.0.1:1)"), outcome);
    }

    [Fact]
    public async Task PollAsync_OlderRevision_RefusedAsARollback_ThenStillRefusedWithoutANewReport()
    {
        sync.Answer = _ => SyncHarness.Respond(HttpStatusCode.OK, sync.Signed(5), 5);
        await sync.Poller.PollAsync(CancellationToken.None);
        sync.Answer = _ => SyncHarness.Respond(HttpStatusCode.OK, sync.Signed(4), 4);

        var refused = await sync.Poller.PollAsync(CancellationToken.None);
        sync.Answer = _ => SyncHarness.Respond(HttpStatusCode.NotModified);
        var again = await sync.Poller.PollAsync(CancellationToken.None);

        Assert.Equal(PollResult.Refused, refused.Result);
        Assert.Contains("revision 4 is older than the applied revision 5 (refusing a rollback)", refused.Problem, StringComparison.Ordinal);
        Assert.Equal(5, sync.State.Current!.Revision);
        Assert.Equal("management plane", sync.State.LastFailure!.Source);
        Assert.Equal(new PollOutcome(PollResult.Refused, null, 5, AnsweredEarly: true), again);
        Assert.Equal("\"4\"", sync.ETagsSent.Last()); // long-polls on the refused one: no busy loop
    }

    [Fact]
    public async Task PollAsync_SignedByAnotherKey_Refused_LastGoodConfigServes()
    {
        sync.Answer = _ => SyncHarness.Respond(HttpStatusCode.OK, sync.Signed(3), 3);
        await sync.Poller.PollAsync(CancellationToken.None);
        using var other = new SyncHarness();
        sync.Answer = _ => SyncHarness.Respond(HttpStatusCode.OK, other.Signed(4), 4);

        var outcome = await sync.Poller.PollAsync(CancellationToken.None);

        Assert.Equal(PollResult.Refused, outcome.Result);
        Assert.Equal(3, sync.State.Current!.Revision);
    }

    [Fact]
    public async Task PollAsync_BackupRevisionIsCurrent_NotModified_NowServedFromThePlaneAndStillBackedUp()
    {
        var bytes = sync.Signed(7);
        var restored = sync.FromBackup(bytes);
        sync.State.Apply(restored);
        sync.Answer = _ => SyncHarness.Respond(HttpStatusCode.OK, bytes, 7);

        var outcome = await sync.Poller.PollAsync(CancellationToken.None);

        Assert.Equal(new PollOutcome(PollResult.NotModified, null, 7), outcome);
        Assert.Equal("managementPlane:http://127.0.0.1:1/", sync.State.Current!.Source);
        Assert.True(sync.State.Current.FromBackup); // the same bytes: the backup holds them already
        Assert.Equal(restored.LoadedAt, sync.State.Current.LoadedAt);
    }

    [Fact]
    public async Task PollAsync_ConfirmationOfTheServedRevision_Kept()
    {
        sync.Answer = _ => SyncHarness.Respond(HttpStatusCode.OK, sync.Signed(3), 3, sync.Confirmation(3));

        await sync.Poller.PollAsync(CancellationToken.None);

        Assert.Equal(3, sync.Confirmations.Latest!.Revision);
    }
}
