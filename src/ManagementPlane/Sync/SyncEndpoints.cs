using System.Globalization;
using EdgeGateway.Contracts.Sync;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Diagnostics;
using ManagementPlane.Hosting;
using ManagementPlane.Resources;
using ManagementPlane.Snapshots;
using ManagementPlane.State;

namespace ManagementPlane.Sync;

/// <summary>
/// The gateway-facing protocol, authenticated by the gateway's own token:
/// <c>GET /gateway/v1/gateways/{id}/snapshot</c> (ETag <c>"revision"</c>, If-None-Match → 304, <c>?wait=N</c> long poll) and
/// <c>POST /gateway/v1/gateways/{id}/heartbeat</c>.
/// </summary>
internal static partial class SyncEndpoints
{
    public static IEndpointRouteBuilder MapSync(this IEndpointRouteBuilder app)
    {
        var sync = app.MapGroup("/gateway/v1/gateways/{id}").WithTags("Gateway sync")
            .WithMetadata(new CredentialMetadata(CredentialMetadata.GatewayToken));
        sync.MapGet("/snapshot", SnapshotAsync)
            .Produces(200, contentType: "application/json").Produces(304).ProducesProblem(400).ProducesProblem(401).ProducesProblem(404)
            .WithDescription("The gateway's signed snapshot (flattened JWS). ETag is the quoted revision; If-None-Match with it answers 304; wait=N (seconds, at most 60) holds the request until a newer revision exists.");
        sync.MapPost("/heartbeat", HeartbeatAsync).Accepts<HeartbeatRequest>("application/json")
            .Produces(204).ProducesProblem(400).ProducesProblem(401);
        return app;
    }

    private static async Task<IResult> SnapshotAsync(HttpContext context, StateStore store, GatewayAuthenticator auth, StoredSnapshots snapshots,
        ChangeNotifier notifier, TimeProvider time, IHostApplicationLifetime lifetime, ILoggerFactory loggers, string id, string? wait)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId("gateway", id);
        }

        var waitFor = TimeSpan.Zero;
        if (wait is not null)
        {
            if (!int.TryParse(wait, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > SyncProtocol.MaxWaitSeconds)
            {
                return Problems.BadRequest($"'wait' must be a whole number of seconds from 0 to {SyncProtocol.MaxWaitSeconds}");
            }

            waitFor = TimeSpan.FromSeconds(seconds);
        }

        var cancellationToken = context.RequestAborted;
        var (loaded, denied) = await AuthenticateAsync(context, store, auth, time, id);
        if (denied is not null)
        {
            ManagementTelemetry.SnapshotRequests.Add(1, new KeyValuePair<string, object?>("outcome", "unauthorized"));
            return denied;
        }

        var known = context.Request.Headers.IfNoneMatch.ToString();
        var deadline = time.GetUtcNow() + waitFor;
        while (true)
        {
            // Take the change signal before looking, so a write between the look and the wait is not missed.
            var changed = notifier.NextChange;
            var state = store.Current.State.Revision >= loaded.State.Revision ? store.Current.State : loaded.State;
            var gateway = GatewayEndpoints.Find(state, id);
            if (gateway is null)
            {
                return Problems.NotFound($"gateway '{id}' no longer exists");
            }

            var etag = SyncProtocol.ETag(gateway.SnapshotRevision);
            if (!Matches(known, etag))
            {
                var bytes = await snapshots.GetAsync(state, gateway, cancellationToken);
                context.Response.Headers.ETag = etag;
                SnapshotConfirmations.Stamp(context, gateway.Id, gateway.SnapshotRevision);
                context.Response.Headers.CacheControl = "no-cache";
                ManagementTelemetry.SnapshotRequests.Add(1, new KeyValuePair<string, object?>("outcome", "sent"));
                return Results.Bytes(bytes, "application/json");
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                context.Response.Headers.ETag = etag;
                SnapshotConfirmations.Stamp(context, gateway.Id, gateway.SnapshotRevision);
                ManagementTelemetry.SnapshotRequests.Add(1, new KeyValuePair<string, object?>("outcome", "not_modified"));
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            ManagementTelemetry.LongPolls.Add(1);
            LogHolding(loggers.CreateLogger(LogCategory), gateway.Id, remaining.TotalSeconds, gateway.SnapshotRevision);

            // A stopping plane answers its held polls at once (304: nothing newer), so a scale-in or a deploy
            // does not wait out every long poll; the gateways simply ask again, of another instance.
            using var held = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            try
            {
                await changed.WaitAsync(remaining, time, held.Token);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                context.Response.Headers.ETag = etag;
                SnapshotConfirmations.Stamp(context, gateway.Id, gateway.SnapshotRevision);
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
            catch (OperationCanceledException)
            {
                // The gateway hung up; nothing is read from this result.
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
            finally
            {
                ManagementTelemetry.LongPolls.Add(-1);
            }
        }
    }

    /// <summary>
    /// Checks the token against the state this process holds first, so a request without a usable token (anonymous, malformed,
    /// for another gateway, expired) never costs a store read. Only then is the head record read, conditionally (a 304 when
    /// unchanged), and the token checked again if it changed: a key regenerated or a gateway created through another
    /// management-plane instance counts at once.
    /// </summary>
    private static async Task<(LoadedState Loaded, IResult? Denied)> AuthenticateAsync(HttpContext context, StateStore store, GatewayAuthenticator auth, TimeProvider time, string id)
    {
        var held = store.Current;
        var denied = auth.Check(context, GatewayEndpoints.Find(held.State, id), id);
        if (denied is not null && !CouldBeValid(context, time, id))
        {
            return (held, denied);
        }

        var loaded = await store.ReadAsync(context.RequestAborted);
        if (!ReferenceEquals(loaded, held))
        {
            denied = auth.Check(context, GatewayEndpoints.Find(loaded.State, id), id);
        }

        return (loaded, denied);
    }

    /// <summary>A well-formed, unexpired token for this gateway id: only such a token can pass against a newer state.</summary>
    private static bool CouldBeValid(HttpContext context, TimeProvider time, string id) =>
        GatewayToken.TryParse(context.Request.Headers.Authorization.ToString(), out var token)
        && string.Equals(token!.GatewayId, id, StringComparison.OrdinalIgnoreCase)
        && token.Expiry > time.GetUtcNow();

    private static bool Matches(string ifNoneMatch, string etag) =>
        ifNoneMatch.Length > 0 && ifNoneMatch.Split(',').Any(t => t.Trim() == etag || t.Trim() == "W/" + etag);

    private static async Task<IResult> HeartbeatAsync(HttpContext context, StateStore store, GatewayAuthenticator auth, HeartbeatStore heartbeats, TimeProvider time, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            heartbeats.Rejected("invalid_id");
            return Problems.InvalidId("gateway", id);
        }

        var (loaded, denied) = await AuthenticateAsync(context, store, auth, time, id);
        if (denied is not null)
        {
            heartbeats.Rejected("unauthorized");
            return denied;
        }

        var body = await RequestBody.ReadJsonAsync(context, SyncJsonContext.Default.HeartbeatRequest, context.RequestAborted);
        if (body.Error is not null)
        {
            heartbeats.Rejected("invalid_body");
            return body.Error;
        }

        var beat = body.Value!;
        if (!SnapshotValidator.IsValidId(beat.InstanceId))
        {
            heartbeats.Rejected("invalid_body");
            return Problems.BadRequest("'instanceId' is required: letters, digits, '-', '_', '.', up to 80 characters", [new ProblemError("instanceId", "required, a valid id")]);
        }

        if (TrafficValidation.Validate(beat.Traffic) is { Count: > 0 } trafficErrors)
        {
            heartbeats.Rejected("invalid_traffic");
            LogTrafficRefused(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory), id, beat.InstanceId!, trafficErrors[0].Path, trafficErrors[0].Message);
            return Problems.BadRequest("'traffic' is not a valid traffic summary; see errors", trafficErrors);
        }

        // Gateways before the 'stopping' field said goodbye with lastSyncError "stopping".
        if (beat.LastSyncError == HeartbeatRequest.LegacyStoppingError)
        {
            beat = beat with { Stopping = true, LastSyncError = null };
        }

        beat = beat with { HostName = Clip(beat.HostName, 255), Version = Clip(beat.Version, 100), LastSyncError = Clip(beat.LastSyncError, 2000), LastBackupError = Clip(beat.LastBackupError, 2000) };
        ManagementTelemetry.Heartbeats.Add(1);
        await heartbeats.RecordAsync(GatewayEndpoints.Find(loaded.State, id)!.Id, beat, time.GetUtcNow(), context.RequestAborted);
        return Results.NoContent();
    }

    private const string LogCategory = "ManagementPlane.Sync";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Holding a long poll of gateway {GatewayId} for up to {Seconds:0.#} s (revision {Revision} is current)")]
    private static partial void LogHolding(ILogger logger, string gatewayId, double seconds, long revision);

    [LoggerMessage(EventId = 1420, Level = LogLevel.Warning, Message = "Refused a heartbeat of gateway {GatewayId} instance {InstanceId}: {Field} {Problem} (the gateway keeps the window and sends it again)")]
    private static partial void LogTrafficRefused(ILogger logger, string gatewayId, string instanceId, string field, string problem);

    private static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..max] + "…";
}
