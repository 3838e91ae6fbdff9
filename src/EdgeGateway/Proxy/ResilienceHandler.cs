using EdgeGateway.Policies;
using EdgeGateway.Routing;

namespace EdgeGateway.Proxy;

/// <summary>
/// Below the forwarder, in the backend client's handler chain: the retry loop and the circuit breaker's bookkeeping. Here a
/// response the retry condition rejects can be thrown away before any of it reaches the client, which YARP's forwarder,
/// once it has a response, would already be copying. Only requests that need it take this path (a retry policy ran, or
/// their backend has a breaker: the request handler sends them through <see cref="Invoker"/>, the transformer puts their
/// <see cref="PolicyRun"/> in the request's options); every other request uses the plain client and pays nothing for it.
/// </summary>
internal sealed partial class ResilienceHandler(HttpMessageHandler inner, TimeProvider time, ILogger logger) : DelegatingHandler(inner)
{
    public static readonly HttpRequestOptionsKey<PolicyRun> RunKey = new("EdgeGateway.PolicyRun");

    private static readonly UriCreationOptions AsWritten = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private HttpMessageInvoker? invoker;

    /// <summary>What the forwarder sends a marked request through (the connection pool is the plain client's).</summary>
    public HttpMessageInvoker Invoker => invoker ??= new HttpMessageInvoker(this, disposeHandler: false);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        request.Options.TryGetValue(RunKey, out var run) ? SendAsync(request, run, cancellationToken) : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, PolicyRun run, CancellationToken cancellationToken)
    {
        var call = run.Forward!;
        var retry = Retryable(request, run, call, out var replay);
        var started = time.GetTimestamp();
        var timeout = call.Timeout ?? run.Route.Cluster.Timeout;
        for (var attempt = 0; ; attempt++)
        {
            if (replay is not null)
            {
                request.Content = Replay(request.Content, replay); // a fresh content per attempt: a sent one cannot be sent again
            }

            // An exception (no connection, no answer in time, the client's body failed) goes to the forwarder, whose error
            // says whose fault it was: the request handler records it on the breaker (Settle), never this loop.
            var response = await base.SendAsync(request, cancellationToken);
            TimeSpan wait;
            try
            {
                call.Status = (int)response.StatusCode;
                if (call.Probe)
                {
                    Record(run, call, failed: IsFailure(run, call.Status)); // the probe decides with its first answer
                    call.Probe = false; // a retry after it is an ordinary call
                    call.Recorded = true; // should this answer be the last
                }

                if (retry is null || attempt >= retry.Count || !retry.ShouldRetry(run, response))
                {
                    return Finish(run, call, response); // the last attempt's answer, or one the condition accepts
                }

                wait = retry.Delay(attempt + 1);
                if (time.GetElapsedTime(started) + wait >= timeout || !StayOrMove(request, run, call))
                {
                    // The request's timeout would end the wait (a 504 instead of the backend's real answer), or the breaker
                    // opened meanwhile with no closed destination to move to: this answer stands.
                    return Finish(run, call, response);
                }
            }
            catch
            {
                response.Dispose(); // nobody else will: the exception replaces it
                throw;
            }

            response.Dispose();
            call.Recorded = false; // the next attempt's outcome is the request's
            LogRetry(logger, run.Route.Id, attempt + 1, call.Status);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken); // the client's going away ends the wait
            }
        }
    }

    /// <summary>
    /// After the forwarder's call: records what the request handler alone can tell, from the forwarder's
    /// <paramref name="error"/> (null: the forwarder itself threw). A failure counts only when it is the backend's (no
    /// connection, no answer in time, its body broke off); a client's fault (its body failed, it went away) does not count,
    /// else one misbehaving client could open the breaker for everyone. A probe without a backend outcome is released.
    /// </summary>
    public void Settle(PolicyRun run, Yarp.ReverseProxy.Forwarder.ForwarderError? error)
    {
        var call = run.Forward!;
        if (call.Recorded || call.Destination is not { } destination || run.Route.Cluster.Breaker is null)
        {
            return;
        }

        call.Recorded = true;
        if (IsBackendFailure(error) && !run.Http.RequestAborted.IsCancellationRequested)
        {
            Record(run, call, failed: true);
        }
        else if (call.Probe)
        {
            destination.Circuit.Release(time.GetUtcNow());
            call.Probe = false;
        }
    }

    /// <summary>The forwarder's errors that are the backend's: it could not be reached, did not answer in time, or broke off.</summary>
    public static bool IsBackendFailure(Yarp.ReverseProxy.Forwarder.ForwarderError? error) => error is
        Yarp.ReverseProxy.Forwarder.ForwarderError.Request or Yarp.ReverseProxy.Forwarder.ForwarderError.RequestTimedOut
        or Yarp.ReverseProxy.Forwarder.ForwarderError.RequestBodyDestination or Yarp.ReverseProxy.Forwarder.ForwarderError.ResponseBodyDestination;

    private static bool IsFailure(PolicyRun run, int status) => run.Route.Cluster.Breaker?.IsFailure(status) == true;

    /// <summary>The answer handed to the forwarder: its status is the request's one outcome on the breaker.</summary>
    private HttpResponseMessage Finish(PolicyRun run, ForwardCall call, HttpResponseMessage response)
    {
        if (!call.Recorded)
        {
            call.Recorded = true;
            Record(run, call, IsFailure(run, call.Status));
        }

        return response;
    }

    /// <summary>
    /// Before a retry: when the destination's breaker is no longer closed (other requests opened it, or this one's probe
    /// failed), move the call to another destination whose breaker is closed, its in-flight count along with it. False when
    /// there is none (the retries stop).
    /// </summary>
    private static bool StayOrMove(HttpRequestMessage request, PolicyRun run, ForwardCall call)
    {
        if (call.Destination is not { } current || current.Circuit.State == CircuitState.Closed)
        {
            return true;
        }

        var target = request.RequestUri!.OriginalString;
        if (run.Route.Cluster.PickOtherClosed(current) is not { } next || !target.StartsWith(current.Address, StringComparison.Ordinal))
        {
            return false;
        }

        request.RequestUri = new Uri(string.Concat(next.Address, target.AsSpan(current.Address.Length)), in AsWritten);
        current.RequestEnded();
        next.RequestStarted();
        call.Destination = next;
        return true;
    }

    /// <summary>
    /// The request's retry, when it may be retried at all: its method allows it, and a body (if any) was buffered, which is then
    /// what every attempt sends (<paramref name="replay"/>). A streamed body can be read only once: such a request is sent once.
    /// </summary>
    private static Retry? Retryable(HttpRequestMessage request, PolicyRun run, ForwardCall call, out byte[]? replay)
    {
        replay = null;
        if (call.Retry is not { } retry || !retry.Allows(request.Method))
        {
            return null;
        }

        if (request.Content is null)
        {
            return retry;
        }

        replay = run.RequestBody;
        return replay is null ? null : retry;
    }

    private static ByteArrayContent Replay(HttpContent? original, byte[] body)
    {
        var content = new ByteArrayContent(body);
        if (original is not null)
        {
            foreach (var header in original.Headers.NonValidated)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }
        }

        return content;
    }

    private void Record(PolicyRun run, ForwardCall call, bool failed)
    {
        var probe = call.Probe;
        if (call.Destination is not { } destination || run.Route.Cluster.Breaker is not { } settings)
        {
            return;
        }

        switch (destination.Circuit.Record(settings, failed, probe, time.GetUtcNow()))
        {
            case CircuitState.Open:
                LogOpened(logger, run.Route.Id, destination.Address, settings.TripDuration);
                break;
            case CircuitState.Closed:
                LogClosed(logger, run.Route.Id, destination.Address);
                break;
        }
    }

    [LoggerMessage(130, LogLevel.Debug, "Retrying the backend call for API {ApiId} (retry {Retry}) after status {StatusCode}")]
    private static partial void LogRetry(ILogger logger, string apiId, int retry, int statusCode);

    [LoggerMessage(131, LogLevel.Warning, "Circuit breaker of API {ApiId} opened for {Destination}: no requests for {TripDuration}")]
    private static partial void LogOpened(ILogger logger, string apiId, string destination, TimeSpan tripDuration);

    [LoggerMessage(132, LogLevel.Information, "Circuit breaker of API {ApiId} closed for {Destination}: its probe succeeded")]
    private static partial void LogClosed(ILogger logger, string apiId, string destination);
}
