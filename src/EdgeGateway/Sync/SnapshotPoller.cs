using System.Net;
using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Sync;
using EdgeGateway.Trust;

namespace EdgeGateway.Sync;

/// <summary>
/// One ask of the management plane: a long poll with the served revision's ETag, the answer applied through
/// <see cref="SnapshotApplier"/> and the plane's signed confirmation passed on. Returns what it came to; never throws for the
/// plane's sake (only for cancellation). Remembers the ETags it saw, so a refused snapshot is not fetched again and again.
/// </summary>
internal sealed class SnapshotPoller(ManagementPlaneClient client, SnapshotApplier applier, ConfigState state, Confirmations confirmations,
    GatewaySettings settings, TimeProvider time)
{
    private const string RefusedBy = "management plane";
    private string? lastSeenETag;
    private string? refusedETag;

    private string Source => $"managementPlane:{client.BaseAddress}";

    public async Task<PollOutcome> PollAsync(CancellationToken cancellationToken)
    {
        // Without an ETag the ask does not wait: a starting gateway wants whatever is newest now. With one (even of a refused
        // snapshot) it long-polls, so a refusal never turns into a busy loop.
        var etag = lastSeenETag ?? (state.Current is { FromBackup: false } c ? SyncProtocol.ETag(c.Revision) : null);
        var wait = etag is null ? TimeSpan.Zero : settings.ManagementPlane.LongPollWait;
        var started = time.GetTimestamp();
        SnapshotResponse response;
        try
        {
            response = await client.GetSnapshotAsync(etag, wait, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // stopping
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return new PollOutcome(PollResult.Unreachable, ManagementPlaneClient.Describe(ex), state.Current?.Revision);
        }

        // A 304 long before the wait ran out means the server does not hold polls.
        var early = wait == TimeSpan.Zero || time.GetElapsedTime(started) < wait / 2;
        var outcome = Read(response, early);
        if (response.Status is HttpStatusCode.OK or HttpStatusCode.NotModified && state.Current is { } served)
        {
            confirmations.Receive(response.Confirmation, served.Revision);
        }

        return outcome;
    }

    private PollOutcome Read(SnapshotResponse response, bool early)
    {
        switch (response.Status)
        {
            case HttpStatusCode.OK when response.TooLarge:
                // Refused like a bad snapshot: the last good config keeps serving, and the ETag makes the next ask a long poll.
                lastSeenETag = response.ETag;
                return Refused(applier.Refuse(RefusedBy, [$"the answer is larger than ManagementPlane:MaxSnapshotBytes ({settings.ManagementPlane.MaxSnapshotBytes} bytes): "
                    + "not read; raise the setting if the snapshot is really that large"]));
            case HttpStatusCode.OK when response.Body is not null:
                lastSeenETag = response.ETag;
                var result = applier.Apply(response.Body, Source, RefusedBy);
                if (result.Status == ApplyStatus.Refused)
                {
                    return Refused(result);
                }

                refusedETag = null;
                return new PollOutcome(result.Status == ApplyStatus.Applied ? PollResult.Applied : PollResult.NotModified, null, result.Runtime!.Revision);
            case HttpStatusCode.NotModified:
                // Still the snapshot that was refused: say nothing new, do not pretend all is well.
                return refusedETag is not null && refusedETag == lastSeenETag
                    ? new PollOutcome(PollResult.Refused, null, state.Current?.Revision, early)
                    : new PollOutcome(PollResult.NotModified, null, state.Current?.Revision, early);
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                return new PollOutcome(PollResult.Unauthorized, response.ProblemDetail ?? "token refused", state.Current?.Revision);
            default:
                var problem = $"management plane answered {(int)response.Status}{(response.ProblemDetail is null ? "" : $": {response.ProblemDetail}")}";
                return new PollOutcome(PollResult.BadAnswer, problem, state.Current?.Revision);
        }
    }

    private PollOutcome Refused(ApplyResult refusal)
    {
        refusedETag = lastSeenETag;
        return new PollOutcome(PollResult.Refused, refusal.Refusal, state.Current?.Revision);
    }
}
