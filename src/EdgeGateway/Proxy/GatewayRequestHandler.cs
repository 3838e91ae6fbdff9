using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Errors;
using EdgeGateway.Health;
using EdgeGateway.Policies;
using EdgeGateway.Routing;
using EdgeGateway.Subscriptions;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace EdgeGateway.Proxy;

/// <summary>
/// The whole request path in one terminal handler: the gateway's own endpoints, then API match,
/// operation match, subscription key, destination pick and forwarding. No endpoint routing is set up
/// at all, which keeps start-up short (see docs/performance.md).
/// </summary>
internal sealed partial class GatewayRequestHandler(
    ConfigState state,
    IHttpForwarder forwarder,
    HttpMessageInvoker backendClient,
    ResilienceHandler resilience,
    HealthEndpoints health,
    RequestCounters counters,
    Telemetry.RequestTelemetry telemetry,
    GatewaySettings settings,
    ILoggerFactory loggerFactory)
{
    private readonly string region = settings.Gateway.Region ?? string.Empty;

    private readonly Contracts.Net.IpRangeSet trustedProxies = settings.TrustedProxies;

    private readonly string? gatewayId = settings.Gateway.Id;

    /// <summary><c>Telemetry:Tracing:AcceptIncoming</c>: false drops the client's trace headers (see <see cref="Telemetry.IgnoreIncomingPropagator"/>).</summary>
    private readonly bool acceptIncoming = settings.RequestTelemetry.AcceptIncoming;

    private readonly ILogger logger = loggerFactory.CreateLogger("EdgeGateway.GatewayRequestHandler");

    private readonly Policies.ClientCertificates.ForwardedClientCertificates? forwardedCertificates =
        settings.ForwardedClientCertificateHeader is { } header
            ? new Policies.ClientCertificates.ForwardedClientCertificates(header, settings.TrustedProxies, TimeProvider.System, loggerFactory.CreateLogger("EdgeGateway.ClientCertificates"))
            : null;

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (health.TryHandle(context, path, out var healthTask))
        {
            return healthTask;
        }

        if (HealthEndpoints.IsReserved(path))
        {
            return GatewayErrors.WriteAsync(context, StatusCodes.Status404NotFound, GatewayErrors.NoApi);
        }

        var runtime = state.Current;
        if (runtime is null)
        {
            counters.Record(StatusCodes.Status503ServiceUnavailable, TimeSpan.Zero, answeredByBackend: false);
            return telemetry.Begin() is { } notReady
                ? NotReadyAsync(context, notReady, System.Diagnostics.Stopwatch.GetTimestamp())
                : GatewayErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, GatewayErrors.NotReady);
        }

        return ProxyAsync(context, runtime, path, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>No config yet: 503, observed as any other request (metrics without an API, the span, an access log line).</summary>
    private async Task NotReadyAsync(HttpContext context, Telemetry.RequestFacts facts, long started)
    {
        try
        {
            await GatewayErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, GatewayErrors.NotReady);
        }
        finally
        {
            telemetry.Finish(context, facts, null, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task ProxyAsync(HttpContext context, GatewayRuntime runtime, string path, long started)
    {
        var facts = telemetry.Begin(); // null when nothing observes the gateway: nothing allocated for telemetry
        if (facts is not null)
        {
            facts.KeyQueries = runtime.KeyQueries;
        }

        try
        {
            await RouteAndForwardAsync(context, runtime, path, facts);
        }
        catch (Exception ex)
        {
            // Kestrel answers 500 after this (when nothing was sent yet): every view records that, not the 200 still set here.
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }

            if (facts is not null)
            {
                facts.ErrorReason = ex.GetType().FullName; // error.type on the span, LastErrorReason in the access log
            }

            throw;
        }
        finally
        {
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            var run = context.Features.Get<PolicyRun>();
            try
            {
                if (run is { HasEndWork: true })
                {
                    await run.RunEndWorkAsync(logger); // after the response, however it ended: counts, bandwidth, concurrency slots
                }
            }
            finally
            {
                // Recorded after the end work, so nothing in telemetry can keep a slot or a count from being released.
                var status = context.Response.StatusCode;
                counters.Record(status, elapsed, answeredByBackend: run is { BackendStatus: not 0, LastError: null } && run.BackendStatus == status);
                if (facts is not null)
                {
                    telemetry.Finish(context, facts, run, elapsed);
                }
            }
        }
    }

    private async Task RouteAndForwardAsync(HttpContext context, GatewayRuntime runtime, string path, Telemetry.RequestFacts? facts)
    {
        var request = context.Request;
        var rejected = RequestChecks.Check(request, out var rejection);
        if (rejected != 0)
        {
            await GatewayErrors.WriteAsync(context, rejected, rejection!);
            return;
        }

        var api = runtime.Routes.Match(path, out var prefixLength);
        if (api is null)
        {
            await GatewayErrors.WriteAsync(context, StatusCodes.Status404NotFound, GatewayErrors.NoApi);
            return;
        }

        if (facts is not null)
        {
            facts.Api = api;
            facts.Revision = runtime.Revision;
        }

        if (Cors.IsPreflight(request) && PreflightSteps(api, path.AsSpan(prefixLength), request) is { } cors)
        {
            Cors.AnswerPreflight(context, cors);
            return;
        }

        var operation = api.MatchOperation(request.Method, path.AsSpan(prefixLength));
        if (!operation.Matched)
        {
            await GatewayErrors.WriteAsync(context, StatusCodes.Status404NotFound, GatewayErrors.NoOperation);
            return;
        }

        if (facts is not null)
        {
            facts.OperationId = operation.Operation?.Id;
        }

        var headerKey = request.Headers[api.KeyHeader];
        // Parsing the query costs allocations: only when the key's name is in it at all. Stripped before forwarding even when the header wins.
        var keyInQuery = request.QueryString.Value is { } query
            && (query.Contains(api.KeyQuery, StringComparison.OrdinalIgnoreCase) || query.Contains('%'))
            && request.Query.ContainsKey(api.KeyQuery);
        string? presented = headerKey.Count > 0 ? headerKey.ToString() : keyInQuery ? request.Query[api.KeyQuery].ToString() : null;
        var check = default(SubscriptionCheck);
        if (api.SubscriptionRequired || presented is not null)
        {
            check = runtime.Subscriptions.Check(presented, api);
            if (check.Outcome != SubscriptionOutcome.Valid)
            {
                var message = check.Outcome == SubscriptionOutcome.Missing ? GatewayErrors.MissingKey : GatewayErrors.InvalidKey;
                telemetry.Rejected(facts, api.Id, Telemetry.GatewayAttributes.Reasons.SubscriptionKey, "subscription",
                    check.Outcome == SubscriptionOutcome.Missing ? "SubscriptionKeyNotFound" : "SubscriptionKeyInvalid", message);
                if (request.Headers.Origin.Count > 0 && (operation.Operation?.Policies ?? api.Policies).For(null).Cors is { Length: > 0 } allowing)
                {
                    Cors.AllowRejection(context, allowing); // the steps that answered its preflight: the page may read the 401
                }

                await GatewayErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, message);
                return;
            }
        }

        // Routed on the decoded path; the backend gets the rest of the target as the client wrote it.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : path;
        var pipeline = (operation.Operation?.Policies ?? api.Policies).For(check.ProductId);
        var productName = !pipeline.IsEmpty && check.ProductId is { } productId && runtime.ProductNames.TryGetValue(productId, out var name) ? name : null;

        if (facts is not null)
        {
            facts.ProductId = check.ProductId;
            facts.SubscriptionId = check.SubscriptionId;
        }

        // Hop-by-hop fields the client named in Connection go before policies run (and before the transformer copies).
        HopByHopHeaders.RemoveNamed(request.Headers);
        if (!acceptIncoming)
        {
            // The client's trace is not ours to continue: its headers never reach the backend (when the gateway traces, the
            // backend handler's propagator writes the gateway's own; when nothing traces, none).
            request.Headers.Remove("traceparent");
            request.Headers.Remove("tracestate");
            request.Headers.Remove("baggage");
        }

        // The request's one object: the transformer and the policies read it (see PolicyRun).
        var run = new PolicyRun(context, pipeline, new PolicyRequest(api, operation.Operation?.Id, check.SubscriptionId,
            check.SubscriptionId is null ? null : presented, check.ProductId, productName, region) { TrustedProxies = trustedProxies, ForwardedCertificates = forwardedCertificates, GatewayId = gatewayId })
        {
            Operation = operation.Operation,
            Remainder = RawRemainder.From(rawTarget, api.PrefixSegments),
            KeyInQuery = keyInQuery,
        };
        context.Features.Set(run);
        if (run.HasPolicies)
        {
            var result = await PolicyPipeline.RunAsync(pipeline.Inbound, run, Sections.Inbound);
            if (result == PolicyResult.Continue)
            {
                result = await PolicyPipeline.RunAsync(pipeline.Backend, run, Sections.Backend);
            }

            if (result == PolicyResult.Responded)
            {
                if (run.Cache?.Hit is not null)
                {
                    await Policies.Caching.CachedAnswer.ServeAsync(run); // a cache hit: no backend call; outbound runs on the stored response
                    if (run.LastError is not null && !context.Response.HasStarted)
                    {
                        await OnErrorAsync(run);
                    }

                    return;
                }

                await run.Answer!.WriteBodyAsync(run);
                return;
            }

            if (result == PolicyResult.Failed)
            {
                await OnErrorAsync(run);
                return;
            }
        }

        // set-backend-service's URL is outside the API's pool: no balancing, no health state, no in-flight count, no breaker.
        // (Inline, not a helper method: an awaited helper would cost every request one more state machine.)
        var cluster = api.Cluster;
        ForwarderError error;
        var forwardStarted = facts is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        if (run.BackendUrl is { } overridden)
        {
            if (facts is not null)
            {
                facts.BackendDestination = overridden;
            }

            error = await forwarder.SendAsync(context, overridden, run.Forward?.Retry is null ? run.BackendClient?.Invoker ?? backendClient : run.BackendClient?.Resilient ?? resilience.Invoker,
                ForwardConfig(cluster, request, overridden, run), api.Transformer);
        }
        else
        {
            Destination? destination;
            if (cluster.Breaker is null)
            {
                destination = cluster.Balancer.Pick(cluster.Destinations)!;
            }
            else if ((destination = cluster.PickClosed(out var probe, run.Forward?.Timeout)) is not null)
            {
                var call = run.Forwarding();
                call.Destination = destination;
                call.Probe = probe;
            }
            else
            {
                await OnBreakerOpenAsync(context, api, run);
                return;
            }

            destination.RequestStarted();
            if (facts is not null)
            {
                facts.BackendDestination = destination.Address;
            }

            ForwarderError? outcome = null;
            try
            {
                error = await forwarder.SendAsync(context, destination.Address,
                    run.Forward is { NeedsHandler: true } ? run.BackendClient?.Resilient ?? resilience.Invoker : run.BackendClient?.Invoker ?? backendClient,
                    ForwardConfig(cluster, request, destination.Address, run), api.Transformer);
                outcome = error;
            }
            finally
            {
                // A retry may have moved the call to another destination (its in-flight count with it).
                if (run.Forward?.Destination is { } moved)
                {
                    moved.RequestEnded();
                    resilience.Settle(run, outcome); // the breaker learns the request's outcome once, only when it is the backend's
                }
                else
                {
                    destination.RequestEnded();
                }
            }
        }

        if (facts is not null)
        {
            facts.BackendElapsed = System.Diagnostics.Stopwatch.GetElapsedTime(forwardStarted);
            facts.BackendStatus = run.BackendStatus;
            facts.BackendMethod = request.Method;
        }

        if (error != ForwarderError.None)
        {
            await OnForwarderErrorAsync(context, api, error, run, facts);
        }
        else if (run.LastError is not null && !context.Response.HasStarted)
        {
            await OnErrorAsync(run); // an outbound policy failed; the transformer discarded the backend's response
        }
    }

    /// <summary>The route's request settings, with forward-request's timeout in place of the backend's when one ran.</summary>
    private static ForwarderRequestConfig ForwardConfig(BackendCluster cluster, HttpRequest request, string address, PolicyRun run) =>
        run.Forward?.Timeout is { } timeout
            ? cluster.ConfigFor(request, address) with { ActivityTimeout = timeout }
            : cluster.ConfigFor(request, address);

    /// <summary>
    /// Every destination's circuit breaker is open: 503 with Retry-After (when the first lets a probe through), through onError
    /// when the request has policies, as a failed backend call would.
    /// </summary>
    private Task OnBreakerOpenAsync(HttpContext context, ApiRoute api, PolicyRun run)
    {
        var retryAfter = (long)Math.Ceiling(api.Cluster.UntilProbe().TotalSeconds);
        LogBreakerOpen(logger, api.Id, retryAfter);
        context.Response.OnStarting(static state =>
        {
            var (response, seconds) = ((HttpResponse, long))state;
            if (response.StatusCode == StatusCodes.Status503ServiceUnavailable)
            {
                response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Task.CompletedTask;
        }, (context.Response, retryAfter));
        if (run.HasPolicies)
        {
            run.Fail(new PolicyError("forward-request", "BackendUnavailable", GatewayErrors.BackendUnavailable, StatusCodes.Status503ServiceUnavailable));
            return OnErrorAsync(run);
        }

        return GatewayErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, GatewayErrors.BackendUnavailable);
    }

    /// <summary>
    /// The cors steps that answer a preflight, or null when the request takes the ordinary path: the operation is the one
    /// the browser asks about (Access-Control-Request-Method), and its pipeline without a product (a preflight carries no
    /// key) must have cors directly in inbound. Decided from what the route compiled; nothing is looked up by name.
    /// </summary>
    private static Cors[]? PreflightSteps(ApiRoute api, ReadOnlySpan<char> remainder, HttpRequest request)
    {
        var operation = api.MatchOperation(request.Headers.AccessControlRequestMethod.ToString(), remainder);
        if (!operation.Matched)
        {
            return null;
        }

        var cors = (operation.Operation?.Policies ?? api.Policies).For(null).Cors;
        return cors.Length > 0 ? cors : null;
    }

    /// <summary>
    /// onError, as APIM: its policies see <c>context.LastError</c> and the status the gateway would answer with; unless
    /// one of them answers (return-response), the gateway's error answer stands, with set-status's code and set-header's headers.
    /// </summary>
    private static async Task OnErrorAsync(PolicyRun run)
    {
        var error = run.LastError!;
        var response = run.Http.Response;
        if (run.Http.RequestAborted.IsCancellationRequested)
        {
            // The client went away (while a policy read its body, say): nobody to answer; the counters still see a failure.
            if (!response.HasStarted)
            {
                response.StatusCode = error.StatusCode;
            }

            return;
        }

        response.Clear();
        response.StatusCode = error.StatusCode;
        SetErrorHeaders(response, error);
        run.StatusSet = false;
        run.ResponseBody = null; // an outbound set-body does not carry over into the error answer
        var result = await PolicyPipeline.RunAsync(run.Pipeline.OnError, run, Sections.OnError);
        if (result == PolicyResult.Responded)
        {
            await run.Answer!.WriteBodyAsync(run);
            return;
        }

        if (result == PolicyResult.Failed)
        {
            response.Clear(); // a failure inside onError ends it: the first error's answer, without half of onError's work
            SetErrorHeaders(response, error);
            run.StatusSet = false;
        }
        else if (run.ResponseBody is not null)
        {
            response.StatusCode = run.StatusSet ? response.StatusCode : error.StatusCode;
            await PolicyBodies.WriteResponseAsync(run); // set-body in onError: its body instead of the gateway's JSON
            return;
        }

        await GatewayErrors.WriteAsync(run.Http, run.StatusSet ? response.StatusCode : error.StatusCode, error.Message);
    }

    /// <summary>The headers an error's answer carries (rate-limit's Retry-After): onError's policies see them and may change them.</summary>
    private static void SetErrorHeaders(HttpResponse response, PolicyError error)
    {
        if (error.Headers is { } headers)
        {
            foreach (var (name, value) in headers)
            {
                response.Headers[name] = value;
            }
        }
    }

    private Task OnForwarderErrorAsync(HttpContext context, ApiRoute api, ForwarderError error, PolicyRun run, Telemetry.RequestFacts? facts)
    {
        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        if (error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled)
        {
            return Task.CompletedTask; // the client went away
        }

        if (error == ForwarderError.RequestBodyClient)
        {
            // The client's own body failed (malformed chunks, too slow): its fault, not the backend's.
            // YARP has set Kestrel's status for it (400, or 408 below Kestrel's MinRequestBodyDataRate).
            var status = context.Response.StatusCode is >= 400 and < 500 ? context.Response.StatusCode : StatusCodes.Status400BadRequest;
            LogClientBodyError(logger, api.Id, status, (exception as AggregateException)?.InnerExceptions[0].Message ?? exception?.Message ?? "-");
            return context.Response.HasStarted
                ? Task.CompletedTask
                : GatewayErrors.WriteAsync(context, status, status == StatusCodes.Status408RequestTimeout ? GatewayErrors.BodyTimeout : GatewayErrors.BadBody);
        }

        LogBackendError(logger, api.Id, error, exception?.GetType().Name ?? "-", exception?.Message ?? "-");
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask; // YARP already aborted the response
        }

        var timedOut = error == ForwarderError.RequestTimedOut;
        if (facts is not null)
        {
            facts.ErrorSource = "forward-request";
            facts.ErrorReason = timedOut ? "Timeout" : "BackendConnectionFailure";
            facts.ErrorMessage = timedOut ? GatewayErrors.BackendTimeout : GatewayErrors.BackendFailed;
        }

        if (run.HasPolicies)
        {
            run.Fail(new PolicyError("forward-request", timedOut ? "Timeout" : "BackendConnectionFailure",
                timedOut ? GatewayErrors.BackendTimeout : GatewayErrors.BackendFailed,
                timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway));
            return OnErrorAsync(run);
        }

        return GatewayErrors.WriteAsync(context,
            timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
            timedOut ? GatewayErrors.BackendTimeout : GatewayErrors.BackendFailed);
    }

    [LoggerMessage(10, LogLevel.Warning, "Backend call for API {ApiId} failed: {Error} ({ExceptionType}: {ExceptionMessage})")]
    private static partial void LogBackendError(ILogger logger, string apiId, ForwarderError error, string exceptionType, string exceptionMessage);

    [LoggerMessage(133, LogLevel.Debug, "Every circuit breaker of API {ApiId} is open: answered 503, Retry-After {RetryAfter} s")]
    private static partial void LogBreakerOpen(ILogger logger, string apiId, long retryAfter);

    [LoggerMessage(11, LogLevel.Debug, "Request body from the client for API {ApiId} failed, answered {StatusCode}: {Reason}")]
    private static partial void LogClientBodyError(ILogger logger, string apiId, int statusCode, string reason);
}
