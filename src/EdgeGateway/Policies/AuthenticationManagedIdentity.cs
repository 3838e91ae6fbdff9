using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Policies.Auth;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's authentication-managed-identity: a token of the gateway's managed identity for <c>resource</c> (the
/// system-assigned identity, or the user-assigned one <c>clientId</c>), sent to the backend as
/// <c>Authorization: Bearer</c>; with <c>outputTokenVariableName</c> it is put in that variable instead and the request's
/// headers are left alone (APIM's "set header manually" use). Tokens come from the process's cache
/// (<see cref="PolicyServices.AccessTokens"/>): a request waits only for the first token of a resource. No token: the
/// request fails into onError with 500, unless <c>ignoreError</c>, which goes on without a token.
/// </summary>
internal sealed class AuthenticationManagedIdentity(
    PolicyValue resource, string? clientId, string? outputVariable, bool ignoreError, IAccessTokenSource tokens) : PolicyStep
{
    public const string Type = "authentication-managed-identity";

    private const string Bearer = "Bearer ";

    /// <summary>The last token and its header value: the same token for hours costs one string, not one per request.</summary>
    private volatile HeaderValue? last;

    public static PolicyStep Create(PolicyAttributes a, PolicyServices services) =>
        new AuthenticationManagedIdentity(a.RequiredValue("resource"), Constant(a.Value("clientId")), a.Text("outputTokenVariableName"),
            a.Bool("ignoreError") ?? false, services.AccessTokens);

    public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException($"{Type} runs through ApplyAsync");

    public override ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
    {
        var target = resource.Evaluate(run);
        if (string.IsNullOrWhiteSpace(target))
        {
            return new(Fail(run));
        }

        ValueTask<AccessToken> pending;
        try
        {
            pending = tokens.GetTokenAsync(target, clientId, run.Http.RequestAborted);
        }
        catch (AccessTokenException)
        {
            return new(Fail(run));
        }

        return pending.IsCompletedSuccessfully ? new(Use(run, pending.Result)) : WaitAsync(run, pending);
    }

    private async ValueTask<PolicyResult> WaitAsync(PolicyRun run, ValueTask<AccessToken> pending)
    {
        try
        {
            return Use(run, await pending.ConfigureAwait(false));
        }
        catch (AccessTokenException)
        {
            return Fail(run);
        }
    }

    private PolicyResult Use(PolicyRun run, AccessToken token)
    {
        if (outputVariable is not null)
        {
            run.SetVariable(outputVariable, token.Value);
            return PolicyResult.Continue;
        }

        var header = last;
        if (header is null || !ReferenceEquals(header.Token, token.Value))
        {
            header = new HeaderValue(token.Value, Bearer + token.Value);
            last = header;
        }

        run.Http.Request.Headers.Authorization = header.Value;
        return PolicyResult.Continue;
    }

    /// <summary>
    /// No token: onError with 500 (the client did nothing wrong; the gateway could not authenticate), or on without one
    /// under ignoreError. The client gets a fixed message; why is in the log (the cache logs each failed fetch).
    /// </summary>
    private PolicyResult Fail(PolicyRun run) =>
        ignoreError
            ? PolicyResult.Continue
            : run.Fail(new PolicyError(Type, "TokenNotAvailable", "Managed identity token could not be obtained.", StatusCodes.Status500InternalServerError));

    // Validated as a literal or named values (IdentityRules): a constant once named values are substituted.
    private static string? Constant(PolicyValue? value) => value?.Evaluate(null!);

    private sealed record HeaderValue(string Token, string Value);
}
