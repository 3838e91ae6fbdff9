using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies.Auth;

namespace EdgeGateway.Policies.SideCalls;

/// <summary>
/// APIM's send-request and send-one-way-request: a side call shaped by the children (<see cref="SideRequestParts"/>), sent
/// through the process's <see cref="SideCallClient"/> with its own timeout. send-request waits for the response and stores
/// it under responseVariableName for later expressions; on an error (timeout, connection, a token, a body over the cap)
/// it stores null and goes on with ignoreError, else the request moves to onError with context.LastError set.
/// send-one-way-request returns at once: the call runs on its own (not tied to the client's request), and a failure is
/// only logged.
/// </summary>
internal sealed class SendRequest : PolicyStep
{
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
        if (copy && await Copy(run, request) is { } copyError)
        {
            return Failed(run, SideCallResult.Failed("RequestBodyUnavailable", copyError, StatusCodes.Status500InternalServerError), null);
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
            _ = SendOneWayAsync(request);
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

    /// <summary>Tokens, then the call; the run is touched only for outputTokenVariableName (send-request, which is awaited).</summary>
    private async Task<SideCallResult> SendAsync(SideRequest request, PolicyRun? run, CancellationToken aborted)
    {
        foreach (var token in request.Tokens ?? [])
        {
            try
            {
                var access = await services.AccessTokens.GetTokenAsync(token.Resource, token.ClientId, aborted);
                request.Headers["Authorization"] = "Bearer " + access.Value;
                if (run is not null && token.OutputTokenVariableName is { } name)
                {
                    run.SetVariable(name, access.Value);
                }
            }
            catch (AccessTokenException e) when (token.IgnoreError)
            {
                _ = e; // APIM's ignore-error on the child: the call goes without the token
            }
            catch (AccessTokenException e)
            {
                return SideCallResult.Failed("ManagedIdentityTokenFailed", e.Message, StatusCodes.Status500InternalServerError);
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

    private async Task SendOneWayAsync(SideRequest request)
    {
        try
        {
            await Task.Yield(); // the request goes on while this call runs
            var result = await SendAsync(request, null, CancellationToken.None);
            if (result.Response is null)
            {
                SideCallLog.OneWayFailed(services.Logger, HostOf(request.Url), result.Reason, result.Detail);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            SideCallLog.OneWayFailed(services.Logger, HostOf(request.Url), "Unexpected", e.GetType().Name);
        }
    }

    private PolicyResult Failed(PolicyRun run, SideCallResult result, string? url)
    {
        SideCallLog.Failed(services.Logger, type, HostOf(url), result.Reason, result.Detail);
        if (ignoreError && variable is not null)
        {
            run.SetResponse(variable, null);
            return PolicyResult.Continue;
        }

        if (variable is null)
        {
            return PolicyResult.Continue; // one way: never fails the request
        }

        return run.Fail(new PolicyError(type, result.Reason, $"send-request failed: {result.Detail}", result.StatusCode));
    }

    /// <summary>The host only: a URL's path and query may carry what must not be logged.</summary>
    private static string HostOf(string? url) =>
        url is not null && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) ? uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}" : "(no URL)";

    /// <summary>
    /// mode copy: the request as it stands (method, headers, body) to the URL the backend would get now (set-backend-service's
    /// or the API's first backend, with the path after rewrite-uri and the query); the children change it from there.
    /// </summary>
    private static async ValueTask<string?> Copy(PolicyRun run, SideRequest request)
    {
        var http = run.Http.Request;
        request.Method = http.Method;
        var backend = run.BackendUrl ?? run.Route.Cluster.Destinations[0].Address;
        var path = run.RewrittenPath ?? run.Remainder.Path.ToString();
        request.Url = string.Concat(backend.TrimEnd('/'), path, http.QueryString.Value);
        foreach (var (name, values) in http.Headers)
        {
            if (!Contracts.Policies.ManagedHeaders.Contains(name) && !name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers[name] = values;
            }
        }

        if (http.ContentLength is > 0 || http.Headers.TransferEncoding.Count > 0 || run.RequestBody is not null)
        {
            var buffered = await PolicyBodies.BufferRequestAsync(run);
            if (buffered.State != BodyState.Buffered)
            {
                return "the request body could not be read to copy it (larger than 1 MiB, or the client failed)";
            }

            request.Body = run.RequestBody;
        }

        return null;
    }
}
