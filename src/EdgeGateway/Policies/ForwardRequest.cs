namespace EdgeGateway.Policies;

/// <summary>
/// APIM's forward-request: the gateway forwards every request after the backend section, with or without this policy; the
/// policy only sets how. timeout replaces the backend's for this request (504 when exceeded); bufferRequestBody reads the
/// request body into memory first (up to 1 MiB), so that a retry can send it again.
/// </summary>
internal sealed class ForwardRequest(TimeSpan? timeout, bool bufferRequestBody) : PolicyStep
{
    public const string Type = "forward-request";

    public static ForwardRequest Create(PolicyAttributes a) =>
        new(a.Int("timeout") is { } seconds ? TimeSpan.FromSeconds(seconds) : null, a.Bool("bufferRequestBody") ?? false);

    public override PolicyResult Apply(PolicyRun run)
    {
        if (timeout is not null)
        {
            run.Forwarding().Timeout = timeout;
        }

        return PolicyResult.Continue;
    }

    public override ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
    {
        Apply(run);
        // A request without a body stays without one (buffering would give it an empty body and a Content-Length).
        return bufferRequestBody && run.RequestBody is null
            && run.Http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false
            ? BufferAsync(run) : new(PolicyResult.Continue);
    }

    private static async ValueTask<PolicyResult> BufferAsync(PolicyRun run) =>
        PolicyBodies.RequestBodyFailed(run, Type, await PolicyBodies.BufferRequestAsync(run));
}
