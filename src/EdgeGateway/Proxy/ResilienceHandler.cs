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

    private HttpMessageInvoker? invoker;

    /// <summary>What the forwarder sends a marked request through (the connection pool is the plain client's).</summary>
    public HttpMessageInvoker Invoker => invoker ??= new HttpMessageInvoker(this, disposeHandler: false);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        request.Options.TryGetValue(RunKey, out var run) ? SendAsync(request, run, cancellationToken) : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, PolicyRun run, CancellationToken cancellationToken)
    {
        var call = run.Forward!;
        var retry = Retryable(request, run, call, out var replay);
        var probe = call.Probe;
        for (var attempt = 0; ; attempt++)
        {
            if (replay is not null)
            {
                request.Content = Replay(request.Content, replay); // a fresh content per attempt: a sent one cannot be sent again
            }

            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !run.Http.RequestAborted.IsCancellationRequested)
            {
                Record(run, call, failed: true, probe); // no connection, or no answer in time
                throw;
            }

            Record(run, call, run.Route.Cluster.Breaker?.IsFailure((int)response.StatusCode) == true, probe);
            probe = false; // a retry after the probe is an ordinary call
            if (retry is null || attempt >= retry.Count || !retry.ShouldRetry(run, response)
                || call.Destination?.Circuit.State is CircuitState.Open or CircuitState.HalfOpen)
            {
                return response; // the last attempt's answer, or one the condition accepts; an opened breaker stops the retries too
            }

            response.Dispose();
            LogRetry(logger, run.Route.Id, attempt + 1, (int)response.StatusCode);
            var wait = retry.Delay(attempt + 1);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken); // the request's timeout and the client's going away end the wait
            }
        }
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

    private void Record(PolicyRun run, ForwardCall call, bool failed, bool probe)
    {
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
