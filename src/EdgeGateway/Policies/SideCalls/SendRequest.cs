using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies.Auth;

namespace EdgeGateway.Policies.SideCalls;

/// <summary>
/// APIM's send-request and send-one-way-request: a side call shaped by the children (<see cref="SideRequestParts"/>), sent
/// through the process's <see cref="SideCallClient"/> with its own timeout. send-request waits for the response and stores
/// it under responseVariableName for later expressions; on an error (timeout, connection, a token, a body over the cap)
/// it stores null and goes on with ignoreError, else the request moves to onError with context.LastError set.
/// send-one-way-request returns at once: the call runs on its own (not tied to the client's request, within the process's
/// cap of calls in flight), and a failure is only logged. In mode copy, a request body that cannot be read fails the
/// request either way: part of it may be gone.
/// </summary>
internal sealed class SendRequest : PolicyStep
{
    /// <summary>What the client is told when an authentication-managed-identity child got no token (the token cache logs why).</summary>
    internal const string TokenFailed = "Managed identity token could not be obtained.";

    private readonly string type;
    private readonly string? variable;
    private readonly bool copy;
    private readonly TimeSpan timeout;
    private readonly bool ignoreError;
    private readonly ISideRequestPart[] parts;
    private readonly PolicyServices services;

    private SendRequest(string type, string? variable, bool copy, TimeSpan timeout, bool ignoreError, ISideRequestPart[] parts, PolicyServices services)
    {
        (this.type, this.variable, this.copy, this.timeout, this.ignoreError, this.parts, this.services) = (type, variable, copy, timeout, ignoreError, parts, services);
    }

    public static SendRequest Create(string type, PolicyAttributes a, PolicyServices services, Auth.CertificateSources? certificates = null) =>
        new(type, type == SendRequestPolicy.Type ? a.Text("responseVariableName") : null, a.Text("mode") == "copy",
            TimeSpan.FromSeconds(a.Int("timeout") ?? SendRequestPolicy.DefaultTimeoutSeconds), a.Bool("ignoreError") ?? false,
            SideRequestParts.Compile(a, certificates), services);

    public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException("send-request runs through ApplyAsync");

    public override async ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
    {
        var request = new SideRequest();
        if (copy && await Copy(run, request) is { } unread)
        {
            // Part of the client's body may have been read: the backend can no longer get it whole, whatever ignoreError says.
            return PolicyBodies.RequestBodyFailed(run, type, unread);
        }

        foreach (var part in parts)
        {
            if (part.Apply(run, request) is { } error)
            {
                return Failed(run, SideCallResult.Failed("InvalidRequest", error, StatusCodes.Status500InternalServerError), request.Url);
            }
        }

        if (variable is null)
        {
            StartOneWay(request);
            return PolicyResult.Continue;
        }

        var result = await SendAsync(request, run, run.Http.RequestAborted);
        if (result.Response is null)
        {
            return Failed(run, result, request.Url);
        }

        run.SetResponse(variable, result.Response);
        return PolicyResult.Continue;
    }

    /// <summary>
    /// Tokens, then the call; the run is touched only for outputTokenVariableName (send-request, which is awaited). As the
    /// top-level policy: with outputTokenVariableName the token goes only into that variable, without into Authorization.
    /// </summary>
    private async Task<SideCallResult> SendAsync(SideRequest request, PolicyRun? run, CancellationToken aborted)
    {
        foreach (var token in request.Tokens ?? [])
        {
            try
            {
                if (string.IsNullOrWhiteSpace(token.Resource))
                {
                    throw new AccessTokenException("the resource evaluated to empty text");
                }

                var access = await services.AccessTokens.GetTokenAsync(token.Resource, token.ClientId, aborted);
                if (token.OutputTokenVariableName is { } name)
                {
                    run?.SetVariable(name, access.Value);
                }
                else
                {
                    request.Headers["Authorization"] = "Bearer " + access.Value;
                }
            }
            catch (AccessTokenException) when (token.IgnoreError)
            {
                // APIM's ignore-error on the child: the call goes without the token
            }
            catch (AccessTokenException)
            {
                // A fixed text: the source's message (endpoint, tenant, client id) goes to the log only, where the token cache puts it.
                return SideCallResult.Failed("ManagedIdentityTokenFailed", TokenFailed, StatusCodes.Status500InternalServerError);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return SideCallResult.Failed("ClientAborted", "the client went away", StatusCodes.Status400BadRequest);
            }
        }

        using var message = request.ToMessage(out var urlError);
        return message is null
            ? SideCallResult.Failed("InvalidUrl", urlError!, StatusCodes.Status500InternalServerError)
            : await services.SideCalls.SendAsync(message, timeout, services.Time, aborted, request.Invoker);
    }

    /// <summary>Starts a one-way call within the process's cap (<see cref="SideCallClient.DefaultMaxOneWayInFlight"/>); beyond it, drops it.</summary>
    private void StartOneWay(SideRequest request)
    {
        var client = services.SideCalls;
        if (!client.TryStartOneWay())
        {
            if (client.CountDropped(services.Time) is > 0 and var dropped)
            {
                SideCallLog.OneWayDropped(services.Logger, HostOf(request.Url), client.OneWayInFlight, dropped);
            }

            return;
        }

        _ = SendOneWayAsync(request);
    }

    private async Task SendOneWayAsync(SideRequest request)
    {
        var client = services.SideCalls;
        try
        {
            await Task.Yield(); // the request goes on while this call runs
            var result = await SendAsync(request, null, client.Stopping);
            if (result.Response is null)
            {
                SideCallLog.OneWayFailed(services.Logger, HostOf(request.Url),
                    client.Stopping.IsCancellationRequested ? "GatewayStopping" : result.Reason, result.Detail);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            SideCallLog.OneWayFailed(services.Logger, HostOf(request.Url), "Unexpected", e.GetType().Name);
        }
        finally
        {
            client.EndOneWay();
        }
    }

    private PolicyResult Failed(PolicyRun run, SideCallResult result, string? url)
    {
        if (variable is null)
        {
            SideCallLog.OneWayFailed(services.Logger, HostOf(url), result.Reason, result.Detail);
            return PolicyResult.Continue; // one way: never fails the request
        }

        SideCallLog.Failed(services.Logger, type, HostOf(url), result.Reason, result.Detail);
        if (ignoreError)
        {
            run.SetResponse(variable, null);
            return PolicyResult.Continue;
        }

        return run.Fail(new PolicyError(type, result.Reason, $"send-request failed: {result.Detail}", result.StatusCode));
    }

    /// <summary>The host only: a URL's path and query may carry what must not be logged.</summary>
    private static string HostOf(string? url) =>
        url is not null && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) ? uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}" : "(no URL)";

    /// <summary>
    /// mode copy: the request as the backend would get it now (method, headers, body; set-backend-service's URL or the API's
    /// first backend, the path after rewrite-uri, the query); the children change it from there. Like the backend, the side
    /// call never gets the subscription key (its header, its query parameter) nor the headers the gateway manages. Null,
    /// or why the body could not be read (then the request fails: part of it may be gone).
    /// </summary>
    private static async ValueTask<BodyText?> Copy(PolicyRun run, SideRequest request)
    {
        var http = run.Http.Request;
        var route = run.Route;
        request.Method = http.Method;
        var backend = run.BackendUrl ?? route.Cluster.Destinations[0].Address;
        var path = run.RewrittenPath ?? run.Remainder.Path.ToString();
        request.Url = string.Concat(backend.AsSpan().TrimEnd('/'), path, Proxy.GatewayTransformer.BackendQuery(run, route.KeyQuery));
        foreach (var (name, values) in http.Headers)
        {
            if (!Contracts.Policies.ManagedHeaders.Contains(name) && !name.Equals("Host", StringComparison.OrdinalIgnoreCase)
                && !name.Equals(route.KeyHeader, StringComparison.OrdinalIgnoreCase))
            {
                request.Headers[name] = values;
            }
        }

        if (run.RequestBody is not null || CanHaveBody(run.Http))
        {
            var buffered = await PolicyBodies.BufferRequestAsync(run);
            if (buffered.State != BodyState.Buffered)
            {
                return buffered;
            }

            request.Body = run.RequestBody;
        }

        return null;
    }

    /// <summary>
    /// The server's word when it has one (an HTTP/2 or HTTP/3 request may carry a body with neither Content-Length nor
    /// chunking); else the framing headers.
    /// </summary>
    private static bool CanHaveBody(HttpContext http) =>
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>() is { } detection
            ? detection.CanHaveBody
            : http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0;
}
